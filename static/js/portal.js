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

// Repeating rows of the intake form (data sources, integrations, vendors), added in place:
// "Add …" clones the formset's empty form (its <template>, `__prefix__` in every name and id),
// raises TOTAL_FORMS and moves the focus to the new row's first field. A new row can be
// removed again; a saved row keeps its delete box. Without JavaScript the button stays hidden
// and the blank row plus "Save" add one row per round trip.
function renumberRow(row, prefix, from, to) {
  const old = `${prefix}-${from}-`;
  const now = `${prefix}-${to}-`;
  row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((el) => {
    ["name", "id", "for", "aria-describedby"].forEach((attr) => {
      const value = el.getAttribute(attr);
      if (value && value.includes(old)) el.setAttribute(attr, value.split(old).join(now));
    });
  });
}
document.querySelectorAll("[data-formset]").forEach((section) => {
  const prefix = section.dataset.formset;
  const total = section.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const max = section.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`);
  const initial = section.querySelector(`input[name="${prefix}-INITIAL_FORMS"]`);
  const rows = section.querySelector(".formset-rows");
  const template = section.querySelector("template.formset-empty");
  const add = section.querySelector(".formset-add");
  if (!total || !rows || !template || !add) return;
  const limit = max ? parseInt(max.value, 10) : 1000;
  const refresh = () => { add.disabled = parseInt(total.value, 10) >= limit; };
  add.hidden = false;
  rows.querySelectorAll(".formset-remove").forEach((button) => { button.hidden = false; });
  const hint = section.querySelector(".formset-no-js");
  if (hint) hint.hidden = true;
  refresh();
  add.addEventListener("click", () => {
    const index = parseInt(total.value, 10);
    if (index >= limit) return;
    const html = template.innerHTML.split("__prefix__").join(String(index));
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const row = holder.firstElementChild;
    row.querySelectorAll(".formset-remove").forEach((button) => { button.hidden = false; });
    rows.appendChild(row);
    total.value = String(index + 1);
    refresh();
    const first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  });
  rows.addEventListener("click", (event) => {
    const remove = event.target.closest(".formset-remove");
    if (!remove) return;
    const row = remove.closest(".formset-row");
    const all = Array.from(rows.querySelectorAll(":scope > .formset-row"));
    const position = all.indexOf(row);
    const saved = initial ? parseInt(initial.value, 10) : 0;
    if (position < saved) return;
    row.remove();
    // The rows after it move up one place, so the numbers stay 0..TOTAL_FORMS-1.
    all.slice(position + 1).forEach((later, offset) => {
      renumberRow(later, prefix, position + 1 + offset, position + offset);
    });
    total.value = String(all.length - 1);
    refresh();
    add.focus();
  });
});

// The people picker (WAI-ARIA combobox with a listbox): every <select data-person-picker>
// becomes a text box that searches display names among the people allowed for its role
// (`data-people-url`, the server decides who); arrow keys move through the list, Enter
// chooses, Escape closes. The select stays in the form, hidden, and carries the value; a
// multiple picker lists the chosen people with a button to remove each one.
let pickerCount = 0;
function personPicker(select) {
  pickerCount += 1;
  const id = select.id || `person-picker-${pickerCount}`;
  const multiple = select.multiple;
  const label = select.id ? document.querySelector(`label[for="${select.id}"]`) : null;
  const wrapper = document.createElement("div");
  wrapper.className = "person-picker position-relative";
  const input = document.createElement("input");
  input.type = "text";
  input.id = `${id}-search`;
  input.className = select.className.replace(/form-select/g, "form-control");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("autocomplete", "off");
  const listbox = document.createElement("ul");
  listbox.id = `${id}-listbox`;
  listbox.className = "list-group person-picker-list position-absolute w-100 shadow-sm";
  listbox.setAttribute("role", "listbox");
  listbox.hidden = true;
  input.setAttribute("aria-controls", listbox.id);
  ["aria-describedby", "aria-invalid", "required"].forEach((attr) => {
    if (select.hasAttribute(attr)) input.setAttribute(attr, select.getAttribute(attr));
  });
  if (label) {
    label.setAttribute("for", input.id);
    if (!label.id) label.id = `${id}-label`;
    listbox.setAttribute("aria-labelledby", label.id);
  } else if (select.getAttribute("aria-label")) {
    input.setAttribute("aria-label", select.getAttribute("aria-label"));
    listbox.setAttribute("aria-label", select.getAttribute("aria-label"));
  }
  // Screen readers hear how many people the search found (the list itself is not announced).
  const status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  const chosen = document.createElement("ul");
  chosen.className = "list-inline mb-1 person-picker-chosen";
  if (select.dataset.searchLabel) input.placeholder = select.dataset.searchLabel;
  select.hidden = true;
  select.setAttribute("aria-hidden", "true");
  select.tabIndex = -1;
  select.removeAttribute("required");
  select.parentNode.insertBefore(wrapper, select);
  if (multiple) wrapper.appendChild(chosen);
  wrapper.appendChild(input);
  wrapper.appendChild(listbox);
  wrapper.appendChild(status);
  wrapper.appendChild(select);

  const optionFor = (username, name) => {
    let option = Array.from(select.options).find((o) => o.value === username);
    if (!option) {
      option = new Option(name, username);
      select.add(option);
    }
    return option;
  };
  const showChosen = () => {
    if (!multiple) return;
    chosen.replaceChildren(...Array.from(select.selectedOptions).map((option) => {
      const item = document.createElement("li");
      item.className = "list-inline-item badge text-bg-light border me-1";
      item.append(option.textContent);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-link p-0 ms-1 person-picker-remove";
      remove.setAttribute("aria-label", `${select.dataset.removeLabel || "Remove"} ${option.textContent}`);
      remove.innerHTML = '<i class="bi bi-x-lg" aria-hidden="true"></i>';
      remove.addEventListener("click", () => {
        option.selected = false;
        showChosen();
        input.focus();
      });
      item.appendChild(remove);
      return item;
    }));
  };
  const selectedName = () => {
    const option = select.selectedOptions[0];
    return option && option.value ? option.textContent : "";
  };
  if (!multiple) input.value = selectedName();
  showChosen();

  let active = -1;
  let results = [];
  let timer = null;
  const close = () => {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const items = listbox.querySelectorAll("[role=option]:not([aria-disabled])");
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach((item, i) => {
      item.setAttribute("aria-selected", i === active ? "true" : "false");
      item.classList.toggle("active", i === active);
    });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  };
  const choose = (person) => {
    const option = optionFor(person.username, person.name);
    if (multiple) {
      option.selected = true;
      input.value = "";
      showChosen();
    } else {
      select.value = person.username;
      input.value = person.name;
    }
    select.dispatchEvent(new Event("change", { bubbles: true }));
    if (select.dataset.personPicker === "fill") {
      select.value = "";
      input.value = "";
    }
    close();
  };
  const show = (people) => {
    results = people;
    listbox.replaceChildren(...people.map((person, i) => {
      const item = document.createElement("li");
      item.id = `${listbox.id}-${i}`;
      item.className = "list-group-item list-group-item-action person-picker-option";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = person.name;
      // mousedown, not click: the text box must not lose the focus first.
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(person);
      });
      return item;
    }));
    if (!people.length) {
      const empty = document.createElement("li");
      empty.className = "list-group-item text-secondary";
      empty.setAttribute("role", "option");
      empty.setAttribute("aria-disabled", "true");
      empty.setAttribute("aria-selected", "false");
      empty.textContent = select.dataset.noneLabel || "No one found";
      listbox.appendChild(empty);
    }
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    const counted = select.dataset.countLabel || "People found: {n}";
    status.textContent = counted.replace("{n}", String(people.length));
    active = -1;
    input.removeAttribute("aria-activedescendant");
  };
  const search = async () => {
    const url = new URL(select.dataset.peopleUrl, document.baseURI);
    url.searchParams.set("q", input.value.trim());
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      show(await response.json());
    } catch (error) {
      // Offline: the list stays closed; the form still posts what was chosen before.
    }
  };
  input.addEventListener("input", () => {
    if (!multiple && !input.value.trim()) select.value = "";
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (listbox.hidden) { search(); return; }
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      if (!listbox.hidden) {
        event.preventDefault();
        if (active >= 0 && results[active]) choose(results[active]);
      }
    } else if (event.key === "Escape") {
      if (!listbox.hidden) {
        event.preventDefault();
        close();
      } else if (!multiple) {
        input.value = selectedName();
      }
    }
  });
  input.addEventListener("blur", () => {
    close();
    // Text that matches no choice is not a choice: show the chosen name again.
    if (!multiple) input.value = selectedName();
  });
}
document.querySelectorAll("select[data-person-picker][data-people-url]").forEach(personPicker);

// A free-text answer that often names a person ("Who maintains it"): a picker beside it adds
// the chosen person's name to the text (the answer stays free text; without JavaScript it is
// typed). The helper select has no name, so it is never posted.
document.querySelectorAll("[data-person-fill-url]").forEach((field) => {
  const select = document.createElement("select");
  select.id = `${field.id}-person`;
  select.className = "form-select form-select-sm mt-1";
  select.dataset.personPicker = "fill";
  select.dataset.peopleUrl = field.dataset.personFillUrl;
  ["noneLabel", "searchLabel", "removeLabel"].forEach((key) => {
    if (field.dataset[key]) select.dataset[key] = field.dataset[key];
  });
  select.setAttribute("aria-label", field.dataset.personFillLabel || "Add a person by name");
  select.add(new Option("", ""));
  field.insertAdjacentElement("afterend", select);
  select.addEventListener("change", () => {
    const option = select.selectedOptions[0];
    if (!option || !option.value) return;
    const text = field.value.trim();
    field.value = text ? `${text}, ${option.textContent}` : option.textContent;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
  personPicker(select);
});
