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

// The initiative page's sections as tabs (WAI-ARIA tabs pattern, automatic activation). The
// page is served as a table of contents of anchor links followed by every section, so nothing
// is lost without JavaScript; here the links become tabs and only the chosen section shows.
// The section is kept in the address (#review), so a reload or a shared link opens it, and a
// link to anything inside a section (#di-12, #thread, #yours-to-do) opens that section first.
function initiativeTabs(nav) {
  const list = nav.querySelector("ul");
  const links = Array.from(list.querySelectorAll("a[href^='#']"));
  const panels = links.map((link) => document.getElementById(link.getAttribute("href").slice(1)));
  if (!links.length || !panels.every(Boolean)) return;
  list.classList.add("nav-tabs");
  list.setAttribute("role", "tablist");
  list.querySelectorAll("li").forEach((item) => item.setAttribute("role", "presentation"));
  links.forEach((link, i) => {
    const panel = panels[i];
    link.id = link.id || `tab-${panel.id}`;
    link.setAttribute("role", "tab");
    link.setAttribute("aria-controls", panel.id);
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", link.id);
    panel.setAttribute("tabindex", "0");
    const title = panel.querySelector(":scope > .section-title");
    if (title) title.classList.add("visually-hidden");
  });
  const storageKey = `tab:${window.location.pathname}`;
  const select = (index, { focus = false, remember = false } = {}) => {
    links.forEach((link, i) => {
      const on = i === index;
      link.setAttribute("aria-selected", on ? "true" : "false");
      link.tabIndex = on ? 0 : -1;
      link.classList.toggle("active", on);
      panels[i].hidden = !on;
    });
    if (focus) links[index].focus();
    if (remember) history.replaceState(null, "", `#${panels[index].id}`);
    try { sessionStorage.setItem(storageKey, panels[index].id); } catch (e) { /* private mode */ }
  };
  // Opens the section holding the element named by `id`; true when there is one.
  const reveal = (id) => {
    const target = id && document.getElementById(id);
    const index = target ? panels.findIndex((panel) => panel.contains(target)) : -1;
    if (index < 0) return false;
    select(index);
    return target;
  };
  links.forEach((link, i) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      select(i, { remember: true });
    });
  });
  list.addEventListener("keydown", (event) => {
    const current = links.indexOf(document.activeElement);
    if (current < 0) return;
    const last = links.length - 1;
    const next = { ArrowRight: current === last ? 0 : current + 1,
      ArrowLeft: current === 0 ? last : current - 1, Home: 0, End: last }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(next, { focus: true, remember: true });
  });
  // A link on the page to something in a hidden section: open the section, then let the
  // browser follow the link as usual.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href^='#']");
    if (link && !links.includes(link)) reveal(decodeURIComponent(link.hash.slice(1)));
  });
  const fromAddress = () => {
    const target = reveal(decodeURIComponent(window.location.hash.slice(1)));
    if (!target) return false;
    if (!panels.includes(target)) target.scrollIntoView();
    return true;
  };
  // The sticky summary's height, so a followed link is not hidden under it.
  const summary = document.getElementById("initiative-summary");
  const measure = () => {
    if (summary) document.documentElement.style.setProperty("--summary-height", `${summary.offsetHeight}px`);
  };
  measure();
  window.addEventListener("resize", measure);
  // Back on the page after a form in a tab was sent (the server redirects to the page without
  // a #hash): the tab the person was in, not the first one.
  const returning = () => {
    try {
      if (!document.referrer || new URL(document.referrer).pathname !== window.location.pathname) return -1;
      return panels.findIndex((panel) => panel.id === sessionStorage.getItem(storageKey));
    } catch (e) { return -1; }
  };
  window.addEventListener("hashchange", fromAddress);
  if (!fromAddress()) {
    const back = returning();
    if (back >= 0) select(back, { remember: true }); else select(0);
  }
}
document.querySelectorAll("nav[data-tabs]").forEach(initiativeTabs);
