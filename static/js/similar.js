// Overlap detection on the intake form: while the sponsor describes the idea (title, problem,
// site), ask GET /api/initiatives/similar/ and list the initiatives like it that she may see.
// Plain JavaScript, no library; without it the server-rendered list shows after a save.
(function () {
  const box = document.getElementById("similar-initiatives");
  if (!box || !box.dataset.similarUrl) {
    return;
  }
  const list = document.getElementById("similar-list");
  const empty = document.getElementById("similar-empty");
  const hint = document.getElementById("similar-hint");
  const fields = ["id_title", "id_business_problem", "id_site"]
    .map((id) => document.getElementById(id))
    .filter(Boolean);
  if (!fields.length) {
    return;
  }
  let timer = null;
  let last = "";

  function render(rows) {
    list.replaceChildren();
    rows.forEach((row) => {
      const item = document.createElement("li");
      item.className = "similar-item mb-2";
      const link = document.createElement("a");
      link.className = "text-decoration-none fw-medium";
      link.href = row.url;
      link.textContent = `${row.reference} · ${row.title}`;
      const about = document.createElement("span");
      about.className = "text-secondary";
      about.textContent = `${row.site || box.dataset.noSite || "no site"} · ${row.status} · ${row.reasons.join(", ")}`;
      item.append(link, document.createElement("br"), about);
      list.append(item);
    });
    empty.hidden = rows.length > 0;
    hint.hidden = rows.length === 0;
  }

  function ask() {
    const params = new URLSearchParams();
    const value = (id) => (document.getElementById(id) || {}).value || "";
    params.set("title", value("id_title").slice(0, 200));
    params.set("problem", value("id_business_problem").slice(0, 4000));
    if (value("id_site")) {
      params.set("site", value("id_site"));
    }
    if (box.dataset.initiative) {
      params.set("initiative", box.dataset.initiative);
    }
    const query = params.toString();
    if (query === last) {
      return;
    }
    last = query;
    fetch(`${box.dataset.similarUrl}?${query}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((response) => (response.ok ? response.json() : null))
      .then((rows) => {
        if (Array.isArray(rows)) {
          render(rows);
        }
      })
      .catch(() => {});
  }

  fields.forEach((field) => {
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, 400);
    });
    field.addEventListener("change", ask);
  });
})();
