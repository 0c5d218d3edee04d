// Portal behaviour without inline scripts (the Content-Security-Policy allows only files).
// A form with data-confirm="Question?" asks before it is submitted.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A button with data-print prints the page (the auditor's printable history).
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});

// The people picker of comment forms: typing "@" and a few letters lists the people who may
// see the initiative (the server decides who); choosing one inserts "@username ".
document.querySelectorAll("form.comment-form[data-people-url]").forEach((form) => {
  const body = form.querySelector("textarea");
  const picker = form.querySelector(".mention-picker");
  if (!body || !picker) return;
  let timer = null;
  const current = () => {
    const before = body.value.slice(0, body.selectionStart);
    const match = before.match(/(?:^|\s)@([\w.+-]{1,50})$/);
    return match ? match[1] : null;
  };
  const choose = (username) => {
    const end = body.selectionStart;
    const before = body.value.slice(0, end).replace(/@([\w.+-]{1,50})$/, `@${username} `);
    body.value = before + body.value.slice(end);
    body.focus();
    body.selectionStart = body.selectionEnd = before.length;
    picker.replaceChildren();
  };
  body.addEventListener("input", () => {
    clearTimeout(timer);
    const query = current();
    if (!query) { picker.replaceChildren(); return; }
    timer = setTimeout(async () => {
      const url = `${form.dataset.peopleUrl}?q=${encodeURIComponent(query)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const { people } = await response.json();
      picker.replaceChildren(...people.map((p) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action mention-option";
        button.dataset.username = p.username;
        button.textContent = `${p.name} (@${p.username})`;
        button.addEventListener("click", () => choose(p.username));
        return button;
      }));
    }, 150);
  });
});

// WCAG 2.1.1: a region that scrolls sideways (a wide table, a chart) must be reachable by
// keyboard, so the arrow keys can scroll it. Named after the card it sits in, when there is one.
function focusableScrollRegions() {
  document.querySelectorAll(".table-responsive, .chart-scroll").forEach((region) => {
    if (region.hasAttribute("tabindex")) return;
    region.setAttribute("tabindex", "0");
    if (!region.hasAttribute("role")) region.setAttribute("role", "region");
    if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
      const card = region.closest(".card");
      const header = card && card.querySelector(".card-header, h2, h3");
      const caption = region.querySelector("caption");
      const name = (caption || header || {}).textContent;
      region.setAttribute("aria-label", (name || document.title).trim().replace(/\s+/g, " ").slice(0, 80));
    }
  });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", focusableScrollRegions);
} else {
  focusableScrollRegions();
}

// The first field with an error gets the focus after a refused save, so a screen reader
// announces it together with its message (its aria-describedby points at the error).
document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector("main [aria-invalid='true']");
  if (invalid && !document.querySelector("main [autofocus]")) invalid.focus();
});

// WCAG 2.4.8 / 4.1.2: the navigation marks the page the person is on for assistive technology
// (the entry whose address is the longest prefix of the current one).
(function markCurrentNavigation() {
  let best = null;
  document.querySelectorAll("nav.navbar-hp .nav-link[href]").forEach((link) => {
    const path = new URL(link.href, document.baseURI).pathname;
    if (path !== "/" && window.location.pathname.startsWith(path)) {
      if (!best || path.length > best.path.length) best = { link, path };
    }
  });
  if (best) {
    best.link.setAttribute("aria-current", "page");
    best.link.classList.add("active");
  }
})();
