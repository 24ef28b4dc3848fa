// Copy buttons: progressive enhancement; the field stays selectable without script.
// A static file, not an inline script, so the Content-Security-Policy needs no exception.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var field = document.getElementById(button.dataset.copy);
    field.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(field.value).catch(function () {}); }
    button.textContent = "Copied";
  });
});
