/**
 * The inspector's script (served as /assets/kwp.js; the CSP forbids inline
 * script). Three jobs:
 *
 * - Live pages that keep the reader's place: the main region is fetched
 *   again every few seconds while the tab is visible and morphed into the
 *   page with idiomorph (https://github.com/bigskysoftware/idiomorph, the
 *   htmx project's DOM-morphing library, served by the package): only the
 *   nodes that changed are touched, so scroll, focus and open sections stay.
 *   No refresh at all while a form field has focus or text is selected
 *   (a value being typed, a caret, a selection are the reader's).
 * - Sections the reader opened stay open (the server renders them closed).
 * - Large payloads load when their section is opened, once, and are then
 *   left alone by refreshes; the timeline's rows show their details on
 *   hover and on keyboard focus.
 */
export const UI_SCRIPT = `
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main) return;

  function load(details) {
    var src = details.getAttribute("data-src");
    if (!src || details.hasAttribute("data-loaded")) return;
    details.setAttribute("data-loaded", "");
    fetch(src, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (text) { var box = details.querySelector(".payload"); if (box) box.innerHTML = text; })
      .catch(function () { details.removeAttribute("data-loaded"); });
  }
  main.addEventListener("toggle", function (event) {
    var target = event.target;
    if (target && target.tagName === "DETAILS" && target.open) load(target);
  }, true);

  // The timeline's rows: hover or keyboard focus shows a row's details in the line under the chart.
  function detail(event) {
    var lane = event.target && event.target.closest ? event.target.closest(".lane") : null;
    if (!lane) return;
    var line = lane.ownerSVGElement && lane.ownerSVGElement.nextElementSibling;
    if (line && line.classList.contains("timeline-detail")) line.textContent = lane.getAttribute("data-detail");
  }
  main.addEventListener("focusin", detail);
  main.addEventListener("mouseover", detail);

  if (!main.hasAttribute("data-live") || typeof Idiomorph === "undefined") return;
  var interval = Number(main.getAttribute("data-live")) || 3000;

  function busy() {
    var active = document.activeElement;
    if (active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) return true;
    if (active && active.isContentEditable) return true;
    var selection = window.getSelection && window.getSelection();
    return !!(selection && !selection.isCollapsed && selection.toString() !== "");
  }
  var inFlight = false;
  var last = null;
  function refresh() {
    if (document.visibilityState !== "visible" || inFlight || busy()) return;
    inFlight = true;
    fetch(location.href, { headers: { "X-KWP-Fragment": "main" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (text === null || text === last || busy()) return;
        last = text;
        Idiomorph.morph(main, text, {
          morphStyle: "innerHTML",
          callbacks: {
            // A section the reader opened (or closed) stays as they left it, and a loaded payload stays loaded.
            beforeAttributeUpdated: function (name, node) { return !((name === "open" || name === "data-loaded") && node.tagName === "DETAILS"); },
            // Left alone: a payload already fetched (the page has a placeholder
            // there) and the timeline's detail line (it shows what the pointer or focus is on).
            beforeNodeMorphed: function (oldNode) {
              if (oldNode.nodeType !== 1) return true;
              if (oldNode.classList.contains("timeline-detail")) return false;
              return !(oldNode.classList.contains("payload") && oldNode.parentNode && oldNode.parentNode.hasAttribute("data-loaded"));
            }
          }
        });
      })
      .catch(function () {})
      .then(function () { inFlight = false; });
  }
  setInterval(refresh, interval);
  document.addEventListener("visibilitychange", refresh);
})();
`;
