#!/usr/bin/env python3
"""Cross-checks a shouli calendar file against the PyPI package chinese-calendar.

This script ONLY cross-checks: the calendar file is written from the State
Council's notices, which are its source; chinese-calendar is a second,
independent transcription of the same notices. shouli does not use Python or
chinese-calendar; nothing here is needed to build or run it.

    pip install chinese-calendar
    python3 tools/calendar_crosscheck.py [rules/calendar/cn.toml]

For every day of every year in the file, compares working / not working
(chinese_calendar.is_workday against the file: a 调休 day works, a holiday
day does not, otherwise Monday to Friday work). Prints each difference and
exits 1 if there is any. Days outside the package's range are reported too.
"""

import datetime
import sys
import tomllib

import chinese_calendar


def file_status(path):
    with open(path, "rb") as f:
        data = tomllib.load(f)
    years = {}
    for entry in data["year"]:
        off, work = {}, {}
        for h in entry.get("holiday", []):
            start = h["from"]
            end = h.get("to", start)
            day = start
            while day <= end:
                off[day] = h["name"]
                day += datetime.timedelta(days=1)
            for w in h.get("workdays", []):
                work[w] = h["name"]
        years[entry["year"]] = (off, work)
    return years


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "rules/calendar/cn.toml"
    years = file_status(path)
    off, work = {}, {}
    for y in sorted(years):
        off.update(years[y][0])
        work.update(years[y][1])
    bad = 0
    for year in sorted(years):
        day = datetime.date(year, 1, 1)
        while day.year == year:
            mine = day in work or (day not in off and day.weekday() < 5)
            try:
                theirs = chinese_calendar.is_workday(day)
            except NotImplementedError:
                print(f"{day}: chinese-calendar does not cover this year")
                bad += 1
                break
            if mine != theirs:
                name = off.get(day) or work.get(day) or ""
                print(f"{day}: file says {'work' if mine else 'off'} {name}, "
                      f"chinese-calendar says {'work' if theirs else 'off'}")
                bad += 1
            day += datetime.timedelta(days=1)
    print(f"{len(years)} years checked ({min(years)}-{max(years)}), {bad} difference(s)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
