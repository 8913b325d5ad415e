// `make serve` only (tools/preview_server.py adds this script to the pages it
// sends; it is never written into output/).  Live reload and the error
// overlay: the server says "reload" after a rebuild, and "state" with the
// problems of the last rebuild (none once it succeeded).
(() => {
  "use strict";
  // The page says which it is: after a template edit, the server renders the
  // open pages first and reloads them before the others are done.
  const SOCKET = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/__preview__/socket` +
    `?page=${encodeURIComponent(location.pathname)}`;
  const HOST_ID = "lantern-preview-errors";
  let hidden = false;
  let wasConnected = false;

  const STYLE = `
    :host { all: initial; }
    .backdrop { position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
      background: rgb(15 23 42 / 0.55); padding: 1rem; box-sizing: border-box;
      font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    .panel { max-width: 60rem; margin: 2rem auto; background: #fff; color: #1f2937;
      border-top: 6px solid #b91c1c; border-radius: 6px; padding: 1.25rem 1.5rem;
      box-shadow: 0 10px 30px rgb(0 0 0 / 0.35); }
    h2 { margin: 0 0 .25rem; font-size: 1.25rem; color: #991b1b; }
    .lead { margin: 0 0 1rem; color: #374151; }
    ol { margin: 0; padding: 0; list-style: none; }
    li { border: 1px solid #e5e7eb; border-radius: 4px; padding: .75rem 1rem; margin-block-end: .75rem; }
    .where { display: block; font: 600 .95rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      color: #111827; overflow-wrap: anywhere; }
    .message { margin: .35rem 0 0; unicode-bidi: plaintext; overflow-wrap: anywhere; }
    .fix { margin: .35rem 0 0; color: #065f46; unicode-bidi: plaintext; overflow-wrap: anywhere; }
    .fix b { color: #064e3b; }
    .kind { font: .75rem/1 system-ui, sans-serif; text-transform: uppercase; letter-spacing: .05em;
      color: #6b7280; margin-inline-start: .5rem; }
    .foot { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; justify-content: space-between;
      margin-top: .5rem; color: #4b5563; font-size: .9rem; }
    button { font: inherit; padding: .35rem .9rem; border: 1px solid #9ca3af; border-radius: 4px;
      background: #f9fafb; color: #111827; cursor: pointer; }
    button:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
    @media (prefers-color-scheme: dark) {
      .panel { background: #111827; color: #e5e7eb; border-top-color: #f87171; }
      h2 { color: #fca5a5; } .lead, .foot { color: #d1d5db; } .where { color: #f9fafb; }
      li { border-color: #374151; } .fix { color: #6ee7b7; } .fix b { color: #a7f3d0; }
      button { background: #1f2937; color: #f9fafb; border-color: #6b7280; }
    }`;

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  function remove() {
    document.getElementById(HOST_ID)?.remove();
  }

  function show(problems) {
    remove();
    if (!problems.length || hidden) return;
    const host = element("div", { id: HOST_ID, "data-problems": String(problems.length) });
    const root = host.attachShadow({ mode: "open" });
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const list = element("ol");
    for (const problem of problems) {
      const item = element("li", { "data-path": problem.path, "data-line": String(problem.line) },
        element("code", { class: "where" }, `${problem.path}:${problem.line}`,
          element("span", { class: "kind" }, problem.kind)),
        element("p", { class: "message" }, problem.message));
      if (problem.fix) item.append(element("p", { class: "fix" }, element("b", {}, "Fix: "), problem.fix));
      list.append(item);
    }
    const close = element("button", { type: "button" }, "Hide");
    close.addEventListener("click", () => { hidden = true; remove(); });
    const panel = element("section", { class: "panel", role: "alert", "aria-labelledby": "title",
                                        lang: "en", dir: "ltr" },
      element("h2", { id: "title" }, `The preview could not be rebuilt (${count})`),
      element("p", { class: "lead" },
        "This page is the last good version. Fix the file and save: this message goes away by itself."),
      list,
      element("div", { class: "foot" }, element("span", {}, "The terminal running make serve shows the same."), close));
    root.append(element("style", {}, STYLE), element("div", { class: "backdrop" }, panel));
    document.documentElement.append(host);
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.getElementById(HOST_ID)) { hidden = true; remove(); }
  });

  function connect() {
    const socket = new WebSocket(SOCKET);
    socket.addEventListener("open", () => {
      if (wasConnected) location.reload();  // the server restarted (a settings change)
      wasConnected = true;
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "reload") location.reload();
      else if (message.type === "state") { hidden = false; show(message.problems); }
    });
    socket.addEventListener("close", () => setTimeout(connect, 1000));
  }
  connect();
})();
