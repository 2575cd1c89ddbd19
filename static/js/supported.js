// Mark the page as having JavaScript, and modules if the browser supports them (GOV.UK Frontend).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
