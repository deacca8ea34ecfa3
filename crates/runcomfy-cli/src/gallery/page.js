(function () {
  "use strict";
  var body = document.body;
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.card"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#states input"));
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  // Read once, on the first search: opening the page stays cheap.
  var prompts = null;
  function apply() {
    var hidden = {};
    boxes.forEach(function (box) {
      hidden[box.value] = !box.checked;
      body.classList.toggle("hide-" + box.value, !box.checked);
    });
    var query = search.value.trim().toLowerCase();
    if (query && prompts === null) {
      prompts = cards.map(function (card) {
        var prompt = card.querySelector(".prompt");
        return prompt ? prompt.textContent.toLowerCase() : "";
      });
    }
    var count = 0;
    for (var i = 0; i < cards.length; i++) {
      var match = !query || prompts[i].indexOf(query) !== -1;
      if (cards[i].hidden === match) { cards[i].hidden = !match; }
      if (match && !hidden[cards[i].dataset.state]) { count++; }
    }
    shown.textContent = count + " of " + cards.length + " shown";
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  var timer;
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  // A file removed after the page was made shows as missing, not as a broken image.
  document.addEventListener("error", function (event) {
    var element = event.target;
    if (!element || !element.dataset || !element.dataset.name) { return; }
    var missing = document.createElement("p");
    missing.className = "missing";
    missing.textContent = "missing: " + element.dataset.name;
    element.replaceWith(missing);
  }, true);
  // A link may preset the filters: page.html#states=failed,unknown&q=fox
  var preset = new URLSearchParams(location.hash.slice(1));
  if (preset.has("states")) {
    var wanted = preset.get("states").split(",");
    boxes.forEach(function (box) { box.checked = wanted.indexOf(box.value) !== -1; });
  }
  if (preset.has("q")) { search.value = preset.get("q"); }
  apply();
  // Each card's media, made when the card nears the view.
  var made = false;
  var later = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) { return; }
      var template = entry.target.querySelector("template");
      // Imported, not moved: nodes of the template's inert document would
      // start loading there, where Chromium rejects the media's URL.
      if (template) { template.replaceWith(document.importNode(template.content, true)); }
      later.unobserve(entry.target);
    });
    if (!made) { made = true; body.dataset.mediaMs = performance.now().toFixed(1); }
  }, { rootMargin: "800px 0px" });
  document.querySelectorAll(".card .media").forEach(function (media) { later.observe(media); });
  body.dataset.ready = "1";
  body.dataset.scriptMs = performance.now().toFixed(1);
  window.addEventListener("load", function () { body.dataset.loadMs = performance.now().toFixed(1); });
})();
