// A row that scrolls sideways (the menu, the state tabs, a wide table) says so: the class
// "has-more" while something is hidden on the right (CSS fades the edge and shows a hint), and
// the menu's current page is scrolled into view. No inline script (the CSP forbids it).
(function () {
  var rows = document.querySelectorAll(".menu, .queues, .table-wrap");
  function mark(el) {
    var more = el.scrollWidth - el.clientWidth - el.scrollLeft > 2;
    el.classList.toggle("has-more", more);
    el.classList.toggle("scrolled", el.scrollLeft > 2);
  }
  Array.prototype.forEach.call(rows, function (el) {
    var on = el.querySelector("a.on");
    if (on && el.scrollWidth > el.clientWidth) { el.scrollLeft = on.offsetLeft - el.clientWidth / 3; }
    mark(el);
    el.addEventListener("scroll", function () { mark(el); }, {passive: true});
  });
  window.addEventListener("resize", function () { Array.prototype.forEach.call(rows, mark); });
})();
