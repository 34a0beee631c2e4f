// The cameras page: the newest health sample of each camera, refreshed every 5 s.
const body = document.getElementById("cameras");
const summary = document.getElementById("summary");

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

async function refresh() {
  const response = await fetch("/api/cameras");
  const data = await response.json();
  if (!response.ok) {
    summary.textContent = data.error || `error ${response.status}`;
    return;
  }
  body.replaceChildren();
  for (const c of data.cameras) {
    const row = document.createElement("tr");
    const ok = c.connected && c.age_s < 120;
    row.append(cell(c.camera), cell(c.state + (c.last_error && !c.connected ? ` (${c.last_error})` : ""), ok ? "ok" : "bad"),
      cell(c.fps.toFixed(1)), cell(c.analysed_fps.toFixed(1)), cell(c.dropped), cell(c.reconnects),
      cell(c.cpu_percent.toFixed(0)), cell(c.last_frame_age_s == null ? "-" : `${c.last_frame_age_s.toFixed(1)} s ago`),
      cell(`${c.age_s.toFixed(0)} s ago`), cell(c.url));
    body.append(row);
  }
  summary.textContent = `${data.cameras.length} camera(s); ${data.pending_alerts} alert(s) waiting for delivery`;
}

refresh();
setInterval(refresh, 5000);
