// The login form: POST /api/login as JSON (the CSP allows no form submission), then go where the
// user was going (same-origin paths only).
const form = document.getElementById("login");
const message = document.getElementById("message");

function nextPath() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  message.textContent = "";
  const body = JSON.stringify({ name: document.getElementById("name").value, password: document.getElementById("password").value });
  const response = await fetch("/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body });
  if (response.ok) {
    location.assign(nextPath());
    return;
  }
  const answer = await response.json().catch(() => ({}));
  message.textContent = answer.error || `login failed (${response.status})`;
});
