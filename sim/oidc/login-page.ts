import type { DevUser } from "./demo-users";

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The dev IdP's sign-in form. Plain HTML: it must work with no script and be obviously not production. */
export function renderLoginPage(opts: { uid: string; clientName: string; users: readonly DevUser[]; error?: string }): string {
  const options = opts.users
    .map(
      (u) =>
        `<li><button type="button" class="pick" data-email="${esc(u.email)}">${esc(u.name)} <small>${esc(u.email)}</small></button></li>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in — Gatehouse dev identity provider</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font-family:system-ui,sans-serif;background:#f1f5f9;color:#0f172a;display:grid;place-items:center;min-height:100vh;margin:0}
 main{background:#fff;border:1px solid #cbd5e1;border-radius:12px;padding:2rem;width:min(420px,90vw);box-shadow:0 1px 3px #0001}
 h1{font-size:1.25rem;margin:0 0 .25rem} p{color:#475569;margin:.25rem 0 1rem}
 label{display:block;font-size:.875rem;font-weight:600;margin:.75rem 0 .25rem}
 input{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #94a3b8;border-radius:6px;font-size:1rem}
 .go{margin-top:1rem;width:100%;padding:.6rem;background:#1e3a8a;color:#fff;border:0;border-radius:6px;font-size:1rem;cursor:pointer}
 ul{list-style:none;padding:0;margin:0} .pick{width:100%;text-align:left;margin:.25rem 0;padding:.5rem;border:1px solid #cbd5e1;background:#f8fafc;border-radius:6px;cursor:pointer}
 small{color:#475569} .err{background:#fee2e2;color:#991b1b;padding:.5rem;border-radius:6px} .banner{font-size:.75rem;color:#92400e;background:#fef3c7;padding:.4rem .6rem;border-radius:6px}
</style></head>
<body><main>
<p class="banner">Development identity provider — for the demo and tests only.</p>
<h1>Sign in to ${esc(opts.clientName)}</h1>
${opts.error ? `<p class="err" role="alert">${esc(opts.error)}</p>` : ""}
<form method="post" action="/interaction/${esc(opts.uid)}/login" autocomplete="off">
 <label for="email">Email</label><input id="email" name="email" type="email" required autofocus>
 <label for="password">Password</label><input id="password" name="password" type="password" required>
 <button class="go" type="submit">Sign in</button>
</form>
<p style="margin-top:1.25rem">Demo users (password <code>gatehouse-demo</code>):</p>
<ul>${options}</ul>
<script>document.querySelectorAll('.pick').forEach(b=>b.addEventListener('click',()=>{document.getElementById('email').value=b.dataset.email;document.getElementById('password').focus();}));</script>
</main></body></html>`;
}
