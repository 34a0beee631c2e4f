// The events page: newest first, filtered by camera, kind and state; an event's snapshot and clip
// (served by /api/evidence/ID to the logged-in session only) and its acknowledgement.
const table = document.getElementById("events");
const cameraSelect = document.getElementById("camera");
const kindSelect = document.getElementById("kind");
const openOnly = document.getElementById("open");
const detail = document.getElementById("detail");
let current = null;

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

async function load() {
  const query = new URLSearchParams();
  if (cameraSelect.value) query.set("camera", cameraSelect.value);
  if (kindSelect.value) query.set("kind", kindSelect.value);
  if (openOnly.checked) query.set("unacknowledged", "1");
  const response = await fetch(`/api/events?${query}`);
  const data = await response.json();
  if (!response.ok) {
    table.replaceChildren(cell(data.error || `error ${response.status}`));
    return;
  }
  const chosen = cameraSelect.value;
  cameraSelect.replaceChildren(new Option("all", ""), ...data.cameras.map((c) => new Option(c, c, false, c === chosen)));
  table.replaceChildren();
  for (const e of data.events) {
    const row = document.createElement("tr");
    row.dataset.id = e.id;
    const button = document.createElement("button");
    button.textContent = "open";
    button.className = "open";
    button.addEventListener("click", () => show(e.id));
    const action = document.createElement("td");
    action.append(button);
    row.append(cell(e.id), cell(new Date(e.confirmed_at * 1000).toLocaleString()), cell(e.event), cell(e.cameras.join(", ")),
      cell(e.room || "-"), cell(e.confidence.toFixed(2)), cell(e.acknowledged ? `acknowledged by ${e.acks.at(-1).by}` : "open"), action);
    table.append(row);
  }
}

async function show(id) {
  const response = await fetch(`/api/events/${id}`);
  const e = await response.json();
  current = e;
  detail.hidden = false;
  document.getElementById("detail-title").textContent = `Event ${e.id}: ${e.event} (${e.cameras.join(", ")})`;
  const live = e.evidence.filter((f) => !f.deleted);
  const snapshot = live.find((f) => f.kind === "snapshot");
  const clip = live.find((f) => f.kind === "clip");
  const img = document.getElementById("snapshot");
  const video = document.getElementById("clip");
  img.hidden = !snapshot;
  if (snapshot) img.src = `/api/evidence/${snapshot.id}`;
  video.hidden = !clip;
  if (clip) video.src = `/api/evidence/${clip.id}`;
  const gone = e.evidence.length - live.length;
  document.getElementById("detail-text").textContent = `${new Date(e.confirmed_at * 1000).toLocaleString()}, confidence ${e.confidence.toFixed(2)}`
    + (gone ? `; ${gone} evidence file(s) deleted by retention` : "")
    + (e.acks.length ? `; acknowledged by ${e.acks.map((a) => a.by).join(", ")}` : "");
}

document.getElementById("ack").addEventListener("click", async () => {
  if (!current) return;
  const note = document.getElementById("note").value;
  const response = await fetch(`/api/events/${current.id}/ack`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ note }) });
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    document.getElementById("detail-text").textContent = answer.error || `error ${response.status}`;
    return;
  }
  await show(current.id);
  await load();
});

for (const control of [cameraSelect, kindSelect, openOnly]) control.addEventListener("change", load);
load();
setInterval(load, 15000);
