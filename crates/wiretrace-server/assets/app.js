// Link each shared passage to its twin in the other column: hovering lights both, clicking
// scrolls to the twin. Marks that found a twin get data-paired, which the end-to-end test reads.
(function () {
  const a = document.getElementById("col-a");
  const b = document.getElementById("col-b");
  if (!a || !b) return;
  const marks = (col, k) => col.querySelectorAll('mark.shared[data-p="' + k + '"]');
  let pairs = 0;
  a.querySelectorAll("mark.shared[id]").forEach(function (m) {
    const k = m.dataset.p;
    const left = marks(a, k), right = marks(b, k);
    if (!right.length) return;
    pairs += 1;
    const both = Array.from(left).concat(Array.from(right));
    both.forEach(function (x) {
      x.dataset.paired = "true";
      x.addEventListener("mouseenter", function () { both.forEach(function (y) { y.classList.add("hot"); }); });
      x.addEventListener("mouseleave", function () { both.forEach(function (y) { y.classList.remove("hot"); }); });
      x.addEventListener("click", function (ev) {
        if (ev.target.closest("a")) return;
        const twin = (x.closest(".col") === a ? right : left)[0];
        twin.scrollIntoView({ behavior: "smooth", block: "center" });
      });
    });
  });
  document.body.dataset.pairs = String(pairs);
  // Changing either article redraws the comparison.
  document.querySelectorAll("form.pick select").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
})();
