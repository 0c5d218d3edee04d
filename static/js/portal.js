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
