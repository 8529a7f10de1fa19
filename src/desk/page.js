(function(){var f=document.getElementById("desk");if(!f)return;
function go(){if(f.requestSubmit)f.requestSubmit();else f.submit();}
f.addEventListener("change",function(e){var t=e.target;if(!t.name||t.name==="csrf")return;
if(t.value==="?"&&t.checked){f.querySelectorAll('input[name="'+CSS.escape(t.name)+'"]').forEach(function(o){if(o!==t){if(o.type==="checkbox"||o.type==="radio")o.checked=false;else o.value="";}});}
else if(t.type==="checkbox"||t.type==="text"||t.type==="date"||t.type==="number"){f.querySelectorAll('input[name="'+CSS.escape(t.name)+'"][value="?"]').forEach(function(o){o.checked=false;});}
if(t.type==="text"||t.type==="number"||t.type==="date"){return;}
go();});
var c=f.querySelector("fieldset.current input:not([type=radio]):not([type=checkbox]),fieldset.current select");if(c)c.focus();})();
