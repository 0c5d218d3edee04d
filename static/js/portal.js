// Portal behaviour without inline scripts (the Content-Security-Policy allows only files).
// A form with data-confirm="Question?" asks before it is submitted.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
