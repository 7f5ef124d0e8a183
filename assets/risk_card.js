// The risk notice card (dashboard/risk_cards.py): its print button opens the browser's print
// dialog, from which the card is printed or saved as PDF. A file, not inline: the CSP allows no
// inline script.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("risk-card-print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
});
