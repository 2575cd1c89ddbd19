import { initAll } from "../build/govuk-frontend.min.js";

initAll();

// Findings drafted online: every keystroke is kept in this browser tab (sessionStorage, gone when
// the tab closes) with the version it was based on, so that text survives a lost connection or a
// session that timed out. A page that finds kept text unlike its own offers to put it back; a
// restored text keeps its old version, so the server shows a conflict if someone saved meanwhile.
const box = document.querySelector("textarea[data-draft-key]");
if (box) {
  const key = `cmr-draft:${box.dataset.draftKey}`;
  const version = document.getElementById("base-version");
  const status = document.getElementById("save-status");
  const kept = JSON.parse(sessionStorage.getItem(key) || "null");
  if (kept && kept.text !== box.value) {
    const offer = document.getElementById("kept-text");
    offer.hidden = false;
    offer.querySelector("[data-restore]").addEventListener("click", () => {
      box.value = kept.text;
      version.value = kept.version;
      offer.hidden = true;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
    offer.querySelector("[data-discard]").addEventListener("click", () => {
      sessionStorage.removeItem(key);
      offer.hidden = true;
    });
  }
  box.addEventListener("input", () => {
    sessionStorage.setItem(key, JSON.stringify({ text: box.value, version: version.value }));
  });
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.responseURL.includes("/sign-in/")) {
      event.detail.shouldSwap = false;
      status.textContent =
        "You have been signed out. Your text is kept in this browser tab: sign in again and " +
        "come back to this page to put it back.";
    }
  });
  document.body.addEventListener("htmx:responseError", () => {
    status.textContent =
      "Your text could not be saved. It is kept in this browser tab: reload the page to see why.";
  });
  document.body.addEventListener("htmx:sendError", () => {
    status.textContent =
      "Your text could not be saved: the connection failed. It is kept in this browser tab " +
      "and will be saved when you type again.";
  });
  // The conflict message arrives after the page: listen on the document.
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-discard-draft]")) sessionStorage.removeItem(key);
  });
}
