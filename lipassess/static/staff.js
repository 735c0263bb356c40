/* Staff pages: show "scroll sideways" on the tables wider than their box (phones), and only on those. */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var hint = wrap.querySelector(".scroll-hint");
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("scrolls", scrolls);
      if (hint) { hint.hidden = !scrolls; }
    });
  }
  var timer = null;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(mark, 150); });
  document.addEventListener("toggle", mark, true);  // a <details> opened: its table now has a width
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mark); } else { mark(); }
})();
