// A portfolio export built in the background: ask GET /api/portfolio-exports/{id}/ every
// second and move the progress bar; when it is ready, show the download link. Plain
// JavaScript, no library; without it the page refreshes itself (a <noscript> meta refresh).
(function () {
  const box = document.getElementById("export");
  if (!box || !box.dataset.statusUrl) {
    return;
  }
  const bar = document.getElementById("export-progress");
  const fill = bar.querySelector(".progress-bar");
  const status = document.getElementById("export-status");
  const rows = document.getElementById("export-rows");
  const ready = document.getElementById("export-ready");
  const failed = document.getElementById("export-error");

  function show(data) {
    box.dataset.status = data.status;
    status.textContent = box.dataset["label" + data.status[0].toUpperCase() + data.status.slice(1)] || data.status;
    rows.textContent = data.rows_total === null ? `${data.rows_done}` : `${data.rows_done} / ${data.rows_total}`;
    bar.setAttribute("aria-valuenow", String(data.percent));
    fill.style.width = `${data.percent}%`;
    fill.textContent = `${data.percent}%`;
    ready.hidden = data.status !== "done";
    failed.hidden = data.status !== "failed";
  }

  function poll() {
    if (box.dataset.status === "done" || box.dataset.status === "failed") {
      return;
    }
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (data) {
          show(data);
        }
      })
      .catch(() => {})
      .finally(() => window.setTimeout(poll, 1000));
  }

  window.setTimeout(poll, 500);
})();
