// The patients this login may see, with links to their programme and history pages.
const $ = (id) => document.getElementById(id);

async function main() {
  const r = await fetch("/api/patients");
  const patients = await r.json();
  if (!r.ok) throw new Error(patients.error || `HTTP ${r.status}`);
  $("patients").querySelector("tbody").replaceChildren(...patients.map((p) => {
    const tr = document.createElement("tr");
    const code = encodeURIComponent(p.patient);
    [p.patient, String(p.sessions), p.last_session ? p.last_session.slice(0, 16).replace("T", " ") : "-"].forEach((text) => {
      const td = document.createElement("td"); td.textContent = text; tr.appendChild(td);
    });
    const td = document.createElement("td");
    for (const [href, text] of [[`/patients/${code}`, "programme"], [`/patients/${code}/history`, "history"]]) {
      const a = document.createElement("a"); a.href = href; a.textContent = text; td.append(a, " ");
    }
    tr.appendChild(td);
    return tr;
  }));
  $("status").textContent = `${patients.length} patient(s)`;
}

main().catch((e) => { $("status").textContent = e.message; $("status").classList.add("error"); });
