// Shelf dashboard: renders the state the server pushes over server-sent events (/events), and sends the controls
// as POSTs to /api/ACTION. Every value from the server is put in the page as text, never as HTML.
"use strict";

const RADIUS = 160;
const LANE = 5;
const NODE_RADIUS = 40;
/** Where an arrow starts and ends: just outside a node's circle (its stroke is up to 4 px wide). */
const EDGE = NODE_RADIUS + 3;
const HEARTBEATS = new Set(["HEARTBEAT", "HEARTBEAT_ACK", "LEASE_RENEWAL"]);
const LOG_LINES = 14;
const LABEL_LINE = 11;
const MAX_STACK = 4;
const state = { ids: [], positions: new Map(), lanes: new Map(), nodes: [], lock: null };

const $ = (selector) => document.querySelector(selector);
const svg = (name, attributes) => {
  const e = document.createElementNS("http://www.w3.org/2000/svg", name);
  Object.entries(attributes || {}).forEach(([k, v]) => e.setAttribute(k, v));
  return e;
};
const el = (name, text, className) => {
  const e = document.createElement(name);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
};

function say(message, ok) {
  const p = $("#result");
  p.textContent = message;
  p.className = ok ? "ok" : "refused";
}

async function control(action, body) {
  say(action + "…", true);
  try {
    const response = await fetch("api/" + action, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("application/json")) {
      const r = await response.json();
      say(r.message, r.ok);
    } else {
      say((await response.text()).trim(), false);
    }
  } catch (e) {
    say(action + " failed: " + e, false);
  }
}

// ---- the ring of nodes -------------------------------------------------------------------------------------------

function layout(ids) {
  state.ids = ids;
  const circles = $("#circles");
  circles.replaceChildren();
  ids.forEach((id, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / ids.length;
    const x = Math.round(RADIUS * Math.cos(angle));
    const y = Math.round(RADIUS * Math.sin(angle));
    state.positions.set(id, { x, y });
    const g = svg("g", { id: "circle-" + id, class: "node unreachable", transform: `translate(${x} ${y})` });
    g.append(svg("circle", { r: NODE_RADIUS }));
    const label = svg("text", { class: "id", y: -8 });
    label.textContent = "node " + id;
    // the role and the epoch on lines of their own, so that "coordinator" and a five-digit epoch stay inside the circle
    const role = svg("text", { class: "role", y: 8 });
    const epoch = svg("text", { class: "epoch", y: 22 });
    g.append(label, role, epoch);
    circles.append(g);
  });
}

function renderRing(nodes) {
  for (const n of nodes) {
    const g = $("#circle-" + n.id);
    if (!g) continue;
    g.setAttribute("class", "node " + n.state + " " + (n.role || "").toLowerCase());
    g.querySelector(".role").textContent = n.state === "up" ? n.role.toLowerCase() : n.state;
    g.querySelector(".epoch").textContent = n.state === "up" ? `epoch ${n.epoch}` : "";
  }
}

function arrow(event) {
  const from = state.positions.get(event.node);
  const to = state.positions.get(event.peer);
  if (!from || !to) return;
  const group = typeGroup(event.type);
  const dx = to.x - from.x, dy = to.y - from.y;
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length, uy = dy / length;
  // each direction has its own lane beside the centre line, and its label on its own side
  const px = -uy * LANE, py = ux * LANE;
  const start = { x: from.x + ux * EDGE + px, y: from.y + uy * EDGE + py };
  const end = { x: to.x - ux * EDGE + px, y: to.y - uy * EDGE + py };
  const line = svg("line", { x1: start.x, y1: start.y, x2: start.x, y2: start.y, class: "arrow " + group,
    "marker-end": "url(#head)" });
  // a label reads away from the line on its lane's side, so that a request's and its grant's do not overprint
  const anchor = Math.abs(px) < LANE / 2 ? "middle" : px > 0 ? "start" : "end";
  // and a lane's labels still on screen stack one line apart instead of on top of each other (a release, then a request)
  const lane = event.node + ">" + event.peer;
  const taken = state.lanes.get(lane) || new Set();
  state.lanes.set(lane, taken);
  let below = 0;
  while (taken.has(below) && below < MAX_STACK - 1) below++; // a tab in the background stops the animations: no tower
  taken.add(below);
  const label = svg("text", { class: "label " + group, x: (start.x + end.x) / 2 + 2.5 * px,
    y: (start.y + end.y) / 2 + 2.5 * py + 3 + LABEL_LINE * below, "text-anchor": anchor });
  label.textContent = event.type + (event.epoch !== undefined && group === "election" ? " e" + event.epoch : "")
      + (event.token ? " " + event.token : "");
  $("#arrows").append(line, label);
  const began = performance.now();
  const travel = 450;
  const step = (now) => {
    const t = Math.min(1, (now - began) / travel);
    line.setAttribute("x2", start.x + (end.x - start.x) * t);
    line.setAttribute("y2", start.y + (end.y - start.y) * t);
    if (t < 1) {
      requestAnimationFrame(step);
    } else {
      setTimeout(() => {
        line.remove();
        label.remove();
        taken.delete(below);
      }, 700);
    }
  };
  requestAnimationFrame(step);
}

function typeGroup(type) {
  if (HEARTBEATS.has(type)) return "heartbeat";
  if (type.startsWith("LOCK") || type.includes("GRANT") || type.includes("RELEASE")) return "lock";
  if (["ELECTION", "OK", "COORDINATOR"].includes(type)) return "election";
  return "other";
}

function logEvent(event) {
  const time = new Date(event.ms || Date.now()).toISOString().substring(11, 23);
  const what = event.kind === "local" ? `${event.type} ${event.detail || ""}`
      : `${event.type} → node ${event.peer}` + (event.epoch !== undefined ? ` (epoch ${event.epoch})` : "");
  const li = el("li", `${time}  node ${event.node}: ${what}`, typeGroup(event.type || ""));
  const log = $("#log");
  log.append(li);
  while (log.children.length > LOG_LINES) log.firstChild.remove();
}

function messages(events) {
  const heartbeats = $("#heartbeats").checked;
  for (const event of events) {
    if (HEARTBEATS.has(event.type) && !heartbeats) continue;
    if (event.kind === "send") {
      arrow(event);
      logEvent(event);
    } else if (event.kind === "local") {
      logEvent(event);
    }
  }
}

// ---- tables ------------------------------------------------------------------------------------------------------

function button(text, action, body, title) {
  const b = el("button", text);
  b.dataset.action = action;
  if (body.node !== undefined) b.dataset.node = body.node;
  if (body.book !== undefined) b.dataset.book = body.book;
  if (title) b.title = title;
  b.addEventListener("click", () => control(action, typeof body === "function" ? body() : body));
  return b;
}

function renderNodes(nodes) {
  state.nodes = nodes;
  const body = $("#nodes tbody");
  body.replaceChildren(...nodes.map((n) => {
    const tr = el("tr");
    tr.id = "node-" + n.id;
    tr.className = n.state;
    const stateCell = el("td", n.state, "state");
    if (n.note) stateCell.title = n.note;
    const name = el("td", "node " + n.id, "name");
    name.append(el("small", n.address));
    tr.append(name, stateCell, el("td", n.role || "-", "role"),
        el("td", n.coordinator >= 0 ? n.coordinator : "-", "coordinator"), el("td", n.epoch, "epoch"));
    const controls = el("td", null, "controls");
    controls.append(button("crash", "crash", { node: n.id }, "end the node's process abruptly"),
        button("elect", "elect", { node: n.id }, "start a Bully election on this node"),
        button("pause", "pause", { node: n.id }, "SIGSTOP (needs the nodes to run under cluster)"),
        button("resume", "resume", { node: n.id }, "SIGCONT"),
        button("restart", "restart", { node: n.id }, "stop and start the node again"));
    tr.append(controls);
    return tr;
  }));
  renderRing(nodes);
}

function renderLock(lock) {
  const dl = $("#lock");
  const rows = lock.server < 0 ? [["server", "no coordinator answers"]] : [
    ["server", "node " + lock.server + " (" + lock.phase.toLowerCase() + ", epoch " + lock.epoch + ")"],
    ["holder", lock.holder < 0 ? "free" : "node " + lock.holder],
    ["token", lock.token || "-"],
    ["lease left", lock.holder < 0 ? "-" : lock.leaseLeftMs + " ms"],
    ["waiting (FIFO)", lock.queue.length ? lock.queue.map((n) => "node " + n).join(" → ") : "nobody"],
    ["grants / revocations", lock.grants + " / " + lock.revocations],
  ];
  dl.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", k), el("dd", v)]));
}

function who() {
  return { user: $("#user").value.trim(), pin: $("#pin").value };
}

function renderLibrary(library) {
  if (library.error) {
    say("library: " + library.error, false);
    return;
  }
  $("#books tbody").replaceChildren(...library.books.map((b) => {
    const tr = el("tr");
    tr.id = "book-" + b.id;
    const where = b.available ? "on the shelf" : `lent to ${b.borrower} until ${b.due}`;
    tr.append(el("td", b.id), el("td", b.title + " — " + b.author), el("td", where, "where"));
    const td = el("td");
    td.append(b.available ? button("borrow", "borrow", () => ({ ...who(), book: b.id }))
        : button("return", "return", () => ({ ...who(), book: b.id })));
    td.firstChild.dataset.book = b.id;
    tr.append(td);
    return tr;
  }));
  $("#more-books").textContent = library.moreBooks ? `the first ${library.books.length} books; more follow` : "";
  $("#history").replaceChildren(...library.history.map((r) =>
    el("li", `#${r.seq} ${r.time.substring(11, 19)} ${r.op} book ${r.bookId} ${r.user} (node ${r.node}, token ${r.token})`)));
}

// ---- the stream --------------------------------------------------------------------------------------------------

function connect() {
  const source = new EventSource("events");
  const on = (name, render) => source.addEventListener(name, (e) => render(JSON.parse(e.data)));
  source.onopen = () => { $("#connection").textContent = "live"; $("#connection").className = "up"; };
  source.onerror = () => { $("#connection").textContent = "reconnecting…"; $("#connection").className = "down"; };
  on("hello", (hello) => {
    const ids = Object.keys(hello.nodes).map(Number);
    if (ids.join() !== state.ids.join()) layout(ids);
    $("#events-off").hidden = hello.events !== false;
  });
  on("nodes", renderNodes);
  on("lock", renderLock);
  on("library", renderLibrary);
  on("messages", messages);
}

$("#timeline").addEventListener("click", () =>
  window.open("timeline?minutes=" + encodeURIComponent(Number($("#minutes").value) || 5), "_blank", "noopener"));
$("#who").addEventListener("submit", (e) => e.preventDefault());
connect();
