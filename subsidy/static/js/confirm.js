// Ask before a destructive POST: any <form data-confirm="question"> (CSP forbids inline handlers).
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { ev.preventDefault(); }
}, true);
