//! `shouli serve`: the interview as one local web page (`desk::page`).
//!
//! A small HTTP/1.1 server on the standard library, one thread per
//! connection (at most `MAX_CONNECTIONS`), one request per connection:
//! a desk's browser sends a form at human speed, so a blocking server with
//! explicit limits — a read deadline per request, a cap on the head and the
//! body — is all it needs, and every limit is visible here rather than in a
//! framework's defaults. Its guards:
//! - bound to 127.0.0.1 unless `--bind` says otherwise, and then only with
//!   an access token (`--token` or `SHOULI_TOKEN`), which every request
//!   must carry (a cookie the first `?token=` visit sets, or a bearer
//!   header);
//! - a request whose `Host` is not the bound address is refused (DNS
//!   rebinding), unless a token guards the server;
//! - a POST must send back the page's per-process token and, where the
//!   browser says where it comes from (`Origin`, `Sec-Fetch-Site`), come
//!   from the page itself (CSRF);
//! - every answer is an error page with a 4xx status, never a panic (a
//!   handler that panicked anyway answers 500 and the server goes on).

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Args;

use super::load::{load_program, say};
use super::{RuleArgs, exit};
use crate::compile::Program;
use crate::desk::{self, page};
use crate::diag::{Lang, Msg};

/// The largest request head (request line and headers).
pub const MAX_HEAD: usize = 16 * 1024;
/// The largest request body (a filled-in form is a few KiB).
pub const MAX_BODY: usize = 64 * 1024;
/// The time a client has to send its whole request, by default.
pub const REQUEST_TIMEOUT: u64 = 10;
/// Connections served at once; more are turned away with 503.
pub const MAX_CONNECTIONS: usize = 64;
/// The environment variable that can hold the access token.
pub const TOKEN_ENV: &str = "SHOULI_TOKEN";

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    /// 端口（0 表示任选一个空闲端口） / port (0: any free port)
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// 监听地址（默认只限本机；其他地址须设访问令牌） / address to listen on (default: this computer only; any other needs an access token)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// 访问令牌（也可用环境变量 SHOULI_TOKEN） / access token (or the environment variable SHOULI_TOKEN)
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// 保存记录的案卷夹（不给则只能下载） / folder to save records into (without it, records are downloaded)
    #[arg(long, value_name = "DIR")]
    pub cases: Option<PathBuf>,
    /// 保存的记录同时登记到案件登记簿 / also register each saved record in this case register (SQLite)
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// 编号格式：{date} 今天（20260305）、{year} 年份、{n} 序号 / case number pattern: {date} today (20260305), {year}, {n} a sequence number
    #[arg(long, value_name = "PATTERN", default_value = "{date}-{n}")]
    pub case_number: String,
    /// 今天的日期（默认取系统日期） / today's date (default: the system's)
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// 客户端发完一个请求的时限（秒） / seconds a client has to send a whole request
    #[arg(long, value_name = "SECS", default_value_t = REQUEST_TIMEOUT,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
}

struct Server {
    program: Program,
    csrf: String,
    token: Option<String>,
    /// The `Host` values accepted (`None`: any, when a token guards).
    hosts: Option<Vec<String>>,
    cases: Option<PathBuf>,
    db: Option<PathBuf>,
    case_number: String,
    today: Option<crate::value::Date>,
    /// Held while choosing a case number and saving.
    saving: Mutex<()>,
    active: AtomicUsize,
    timeout: Duration,
}

pub fn serve(args: &ServeArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let lang = args.rules.lang();
    let program = match load_program(&args.rules, err) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let today = match &args.today {
        Some(t) => match super::interview::today_arg(Some(t), lang, err) {
            Ok(d) => Some(d),
            Err(code) => return code,
        },
        None => None,
    };
    let token = args
        .token
        .clone()
        .or_else(|| std::env::var(TOKEN_ENV).ok())
        .filter(|t| !t.is_empty());
    if !args.bind.is_loopback() && token.is_none() {
        say(
            err,
            lang,
            &Msg::new(
                format!(
                    "监听 {} 会让其他电脑访问本服务，须先设访问令牌（--token 或环境变量 {TOKEN_ENV}）",
                    args.bind
                ),
                format!(
                    "listening on {} lets other computers reach the desk: set an access token first (--token or the environment variable {TOKEN_ENV})",
                    args.bind
                ),
            ),
        );
        return exit::UNUSABLE;
    }
    if let Some(dir) = &args.cases
        && !dir.is_dir()
    {
        say(
            err,
            lang,
            &Msg::new(
                format!("案卷夹 {} 不存在或不是文件夹", dir.display()),
                format!(
                    "the case folder {} does not exist or is not a folder",
                    dir.display()
                ),
            ),
        );
        return exit::UNUSABLE;
    }
    let listener = match TcpListener::bind(SocketAddr::new(args.bind, args.port)) {
        Ok(l) => l,
        Err(e) => {
            say(
                err,
                lang,
                &Msg::new(
                    format!("无法监听 {}:{}：{e}", args.bind, args.port),
                    format!("cannot listen on {}:{}: {e}", args.bind, args.port),
                ),
            );
            return exit::UNUSABLE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return exit::UNUSABLE;
        }
    };
    let hosts = if token.is_some() && !args.bind.is_loopback() {
        None
    } else {
        let port = addr.port();
        let mut hosts = vec![format!("{addr}")];
        if args.bind.is_loopback() {
            hosts.push(format!("localhost:{port}"));
            hosts.push(format!("127.0.0.1:{port}"));
            hosts.push(format!("[::1]:{port}"));
        }
        Some(hosts)
    };
    let server = Arc::new(Server {
        program,
        csrf: random_token(),
        token,
        hosts,
        cases: args.cases.clone(),
        db: args.db.clone(),
        case_number: args.case_number.clone(),
        today,
        saving: Mutex::new(()),
        active: AtomicUsize::new(0),
        timeout: Duration::from_secs(args.timeout),
    });
    let shown = if args.bind.is_unspecified() {
        format!("http://127.0.0.1:{}/", addr.port())
    } else {
        format!("http://{addr}/")
    };
    let _ = match lang {
        Lang::Zh => writeln!(out, "shouli serve: {shown}  （按 Ctrl-C 停止）"),
        Lang::En => writeln!(out, "shouli serve: {shown}  (Ctrl-C to stop)"),
    };
    let _ = out.flush();
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if server.active.load(Ordering::Acquire) >= MAX_CONNECTIONS {
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let mut s = stream;
            let _ = respond(&mut s, &Response::error(503, &busy()));
            continue;
        }
        server.active.fetch_add(1, Ordering::AcqRel);
        let worker = Arc::clone(&server);
        let spawned = std::thread::Builder::new()
            .name("desk".into())
            .spawn(move || {
                let mut stream = stream;
                handle(&worker, &mut stream);
                worker.active.fetch_sub(1, Ordering::AcqRel);
            });
        if spawned.is_err() {
            // The closure is gone with the failed spawn: so is its count.
            server.active.fetch_sub(1, Ordering::AcqRel);
        }
    }
    exit::OK
}

fn busy() -> Msg {
    Msg::new(
        "服务繁忙，请稍后再试",
        "the desk is busy; try again in a moment",
    )
}

/// 32 hex digits from the system's random source (or, failing that, a hash
/// of the time and the process).
fn random_token() -> String {
    use sha2::Digest as _;
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        let seed = format!(
            "{:?}{}{:p}",
            std::time::SystemTime::now(),
            std::process::id(),
            &bytes
        );
        let d = sha2::Sha256::digest(seed.as_bytes());
        bytes.copy_from_slice(&d[..16]);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets in time independent of where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

struct Request {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Response {
    status: u16,
    content_type: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn html(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: "text/html; charset=utf-8",
            headers: vec![],
            body: body.into_bytes(),
        }
    }

    fn error(status: u16, m: &Msg) -> Response {
        Response::html(status, page::error_page(status, m))
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

fn respond(stream: &mut TcpStream, r: &Response) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n\
         Referrer-Policy: no-referrer\r\nContent-Security-Policy: default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    for (k, v) in &r.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&r.body)?;
    stream.flush()
}

/// Serves one connection: one request, one response, never a panic.
fn handle(server: &Server, stream: &mut TcpStream) {
    // A read waits at most what is left of the request's time, checked
    // between reads: a client trickling a byte at a time gets no longer.
    let _ = stream.set_read_timeout(Some(server.timeout.min(Duration::from_secs(5))));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let response = match read_request(stream, server.timeout) {
        Ok(req) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| route(server, &req)))
            .unwrap_or_else(|_| {
                Response::error(
                    500,
                    &Msg::new("服务内部错误（已记录）", "internal error (it was logged)"),
                )
            }),
        Err(r) => r,
    };
    let _ = respond(stream, &response);
    // Let the client read the answer before the connection closes, even if
    // it is still sending (a body refused as too large).
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < MAX_BODY * 2 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

fn bad(m: (&str, &str)) -> Response {
    Response::error(400, &Msg::new(m.0, m.1))
}

/// Reads a request within the limits; a violation is the response to send.
fn read_request(stream: &mut TcpStream, limit: Duration) -> Result<Request, Response> {
    let start = Instant::now();
    let timeout = || {
        Response::error(
            408,
            &Msg::new("请求发送超时", "the request was not sent in time"),
        )
    };
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(Response::error(
                431,
                &Msg::new("请求头过大", "the request's headers are too large"),
            ));
        }
        if start.elapsed() > limit {
            return Err(timeout());
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err(bad(("请求不完整", "incomplete request"))),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err(timeout()),
        }
    };
    if head_end > MAX_HEAD {
        return Err(Response::error(
            431,
            &Msg::new("请求头过大", "the request's headers are too large"),
        ));
    }
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| {
        bad((
            "请求头不是 UTF-8 文本",
            "the request head is not UTF-8 text",
        ))
    })?;
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or("");
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad(("请求行格式不对", "malformed request line")));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(bad(("只支持 HTTP/1.x", "only HTTP/1.x is served")));
    }
    let mut headers = Vec::new();
    for l in lines {
        let Some((k, v)) = l.split_once(':') else {
            return Err(bad(("请求头格式不对", "malformed header line")));
        };
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.to_string(), String::new()),
    };
    let mut req = Request {
        method: method.to_string(),
        path,
        query,
        headers,
        body: Vec::new(),
    };
    if req.header("transfer-encoding").is_some() {
        return Err(Response::error(
            501,
            &Msg::new("不支持分块传输的请求", "chunked requests are not supported"),
        ));
    }
    let length = match req.header("content-length") {
        None => 0,
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| bad(("Content-Length 不是数字", "Content-Length is not a number")))?,
    };
    if length > MAX_BODY {
        return Err(Response::error(
            413,
            &Msg::new(
                format!("请求内容过大（上限 {MAX_BODY} 字节）"),
                format!("the request body is too large (the limit is {MAX_BODY} bytes)"),
            ),
        ));
    }
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        if start.elapsed() > limit {
            return Err(timeout());
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err(bad(("请求内容不完整", "incomplete request body"))),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(_) => return Err(timeout()),
        }
    }
    body.truncate(length);
    req.body = body;
    Ok(req)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `application/x-www-form-urlencoded` pairs; `None` for bad escapes or
/// text that is not UTF-8.
pub fn form_pairs(text: &[u8]) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    for part in text.split(|&b| b == b'&') {
        if part.is_empty() {
            continue;
        }
        let (k, v) = match part.iter().position(|&b| b == b'=') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => (part, &b""[..]),
        };
        pairs.push((decode(k)?, decode(v)?));
    }
    Some(pairs)
}

fn decode(s: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn route(server: &Server, req: &Request) -> Response {
    // DNS rebinding: a name that resolves to this computer is not this
    // server's name.
    if let Some(hosts) = &server.hosts {
        let host = req.header("host").unwrap_or("");
        if !hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return Response::error(
                421,
                &Msg::new(
                    format!("不接受主机名“{}”的请求", crate::sanitize::escape(host)),
                    format!(
                        "requests for the host \"{}\" are refused",
                        crate::sanitize::escape(host)
                    ),
                ),
            );
        }
    }
    let query = match form_pairs(req.query.as_bytes()) {
        Some(q) => q,
        None => return bad(("网址参数无法解码", "the URL's parameters cannot be decoded")),
    };
    let mut set_cookie = None;
    if let Some(token) = &server.token {
        let given_query = query
            .iter()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.as_str());
        let given = given_query
            .or_else(|| {
                req.header("authorization")
                    .and_then(|a| a.strip_prefix("Bearer "))
            })
            .or_else(|| {
                req.header("cookie").and_then(|c| {
                    c.split(';')
                        .filter_map(|p| p.trim().strip_prefix("shouli_token="))
                        .next()
                })
            });
        if !given.is_some_and(|g| same_secret(g, token)) {
            return Response::error(
                401,
                &Msg::new(
                    "需要访问令牌：请打开服务启动时给出的、带 ?token= 的网址",
                    "an access token is needed: open the address with ?token= given when the server started",
                ),
            );
        }
        if given_query.is_some() {
            set_cookie = Some(format!(
                "shouli_token={token}; HttpOnly; SameSite=Strict; Path=/"
            ));
        }
    }
    let mut response = match (req.method.as_str(), req.path.as_str()) {
        ("GET" | "HEAD", "/") => page_response(server, &query, None),
        ("POST", "/") => post(server, req),
        ("GET", "/favicon.ico") => Response {
            status: 204,
            content_type: "text/plain",
            headers: vec![],
            body: vec![],
        },
        (_, "/") => {
            let mut r = Response::error(
                405,
                &Msg::new("不支持这种请求方法", "this request method is not allowed"),
            );
            r.headers.push(("Allow".into(), "GET, POST".into()));
            r
        }
        _ => Response::error(404, &Msg::new("没有这个页面", "no such page")),
    };
    if req.method == "HEAD" {
        response.body.clear();
    }
    if let Some(c) = set_cookie {
        response.headers.push(("Set-Cookie".into(), c));
    }
    response
}

fn today(server: &Server) -> crate::value::Date {
    server.today.unwrap_or_else(super::interview::today)
}

/// The first case number of the pattern's sequence with no file in the
/// case folder (the first of all without one).
fn next_case_number(server: &Server, today: crate::value::Date) -> String {
    let mut n = 1;
    loop {
        let number = desk::case_number(&server.case_number, today, n);
        let taken = server
            .cases
            .as_ref()
            .is_some_and(|d| d.join(format!("{}.toml", file_stem(&number))).exists());
        if !taken || n >= 100_000 {
            return number;
        }
        n += 1;
    }
}

/// A case number as a file name: letters (any script), digits, `-` and
/// `_`; anything else becomes `_`.
fn file_stem(id: &str) -> String {
    let stem: String = id
        .chars()
        .take(80)
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "record".into()
    } else {
        stem
    }
}

fn page_response(
    server: &Server,
    pairs: &[(String, String)],
    notice: Option<(bool, String)>,
) -> Response {
    let today = today(server);
    let number = next_case_number(server, today);
    match page::State::read(&server.program, pairs, today, &number) {
        Ok(state) => Response::html(
            200,
            page::render(
                &state,
                &page::PageOptions {
                    csrf: &server.csrf,
                    can_save: server.cases.is_some(),
                    notice,
                },
            ),
        ),
        Err(m) => Response::error(400, &m),
    }
}

fn post(server: &Server, req: &Request) -> Response {
    let ct = req.header("content-type").unwrap_or("");
    if !ct.split(';').next().is_some_and(|t| {
        t.trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    }) {
        return Response::error(
            415,
            &Msg::new(
                "只接受网页表单提交的内容",
                "only a form submitted from the page is accepted",
            ),
        );
    }
    let Some(pairs) = form_pairs(&req.body) else {
        return bad(("表单内容无法解码", "the form cannot be decoded"));
    };
    // CSRF: the page's token, and no sign of another site.
    let csrf_ok = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .is_some_and(|(_, v)| same_secret(v, &server.csrf));
    let host = req.header("host").unwrap_or("");
    let origin_ok = match req.header("origin") {
        None => true,
        Some(o) => o == format!("http://{host}"),
    };
    let site_ok = !matches!(
        req.header("sec-fetch-site"),
        Some("cross-site" | "same-site")
    );
    if !(csrf_ok && origin_ok && site_ok) {
        return Response::error(
            403,
            &Msg::new(
                "请求不是从本页面发出的（或页面已过期），请重新打开本页面",
                "the request did not come from this page (or the page is stale): open the page again",
            ),
        );
    }
    let action = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "action")
        .map_or("next", |(_, v)| v.as_str());
    match action {
        "download" => download(server, &pairs),
        "save" => save(server, &pairs),
        _ => page_response(server, &pairs, None),
    }
}

fn download(server: &Server, pairs: &[(String, String)]) -> Response {
    let today = today(server);
    let number = next_case_number(server, today);
    let state = match page::State::read(&server.program, pairs, today, &number) {
        Ok(s) => s,
        Err(m) => return Response::error(400, &m),
    };
    if !state.errors.is_empty() {
        return page_response(server, pairs, Some((false, fix_first(state.lang))));
    }
    let iv = &state.interview;
    let id = crate::record::id_or(&server.program.rules, &iv.rec, number);
    let name: String = file_stem(&id)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Response {
        status: 200,
        content_type: "application/toml; charset=utf-8",
        headers: vec![(
            "Content-Disposition".into(),
            format!("attachment; filename=\"{name}.toml\""),
        )],
        body: iv.to_toml(state.lang).into_bytes(),
    }
}

fn fix_first(lang: Lang) -> String {
    match lang {
        Lang::Zh => "请先改正标红的回答。".into(),
        Lang::En => "Correct the answers marked in red first.".into(),
    }
}

fn save(server: &Server, pairs: &[(String, String)]) -> Response {
    let Some(dir) = &server.cases else {
        return Response::error(
            404,
            &Msg::new(
                "服务启动时没有给出案卷夹（--cases），请改用下载",
                "the server was started without a case folder (--cases): download the record instead",
            ),
        );
    };
    let _guard = server.saving.lock().unwrap_or_else(|p| p.into_inner());
    let today = today(server);
    let number = next_case_number(server, today);
    let state = match page::State::read(&server.program, pairs, today, &number) {
        Ok(s) => s,
        Err(m) => return Response::error(400, &m),
    };
    let lang = state.lang;
    if !state.errors.is_empty() {
        return page_response(server, pairs, Some((false, fix_first(lang))));
    }
    let iv = &state.interview;
    let id = crate::record::id_or(&server.program.rules, &iv.rec, number);
    let text = iv.to_toml(lang);
    let stem = file_stem(&id);
    let mut result = Err(std::io::Error::other("no name"));
    let mut path = dir.join(format!("{stem}.toml"));
    for k in 1..1000 {
        if k > 1 {
            path = dir.join(format!("{stem}-{k}.toml"));
        }
        result = crate::atomic::write_new(&path, text.as_bytes());
        match &result {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            _ => break,
        }
    }
    let shown = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    // Registered too, where the server keeps a register.
    let registered = match (&result, &server.db) {
        (Ok(()), Some(db)) => Some(super::cases::register_one(
            db,
            &server.program,
            &iv.rec,
            &iv.trace,
        )),
        _ => None,
    };
    let notice = match (result, registered) {
        (Ok(()), Some(Err(m))) => (false, m.get(lang).to_string()),
        (Ok(()), Some(Ok(n))) => (
            true,
            match lang {
                Lang::Zh => format!("已保存：{shown}；已登记：第 {n} 号"),
                Lang::En => format!("Saved: {shown}; registered: case {n}"),
            },
        ),
        (Ok(()), None) => (
            true,
            match lang {
                Lang::Zh => format!("已保存：{shown}"),
                Lang::En => format!("Saved: {shown}"),
            },
        ),
        (Err(e), _) => (
            false,
            match lang {
                Lang::Zh => format!("保存失败：{e}"),
                Lang::En => format!("could not save: {e}"),
            },
        ),
    };
    // The page goes on showing the record as saved, its case number
    // included (not the next one, now that this one is taken).
    let mut pairs = pairs.to_vec();
    if let Some(f) = server.program.rules.field("id") {
        pairs.push((server.program.rules.fields[f].key.clone(), id));
    }
    page_response(server, &pairs, Some(notice))
}
