// The factcheck web page: posts the article to /v1/article and shows the HTML report the server renders.
"use strict";

const $ = (id) => document.getElementById(id);
const urls = [];

function headers() {
  const h = {"Content-Type": "application/json"};
  const token = $("token").value.trim();
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

function status(text, error) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

function download(id, text, type) {
  const url = URL.createObjectURL(new Blob([text], {type: type}));
  urls.push(url);
  $(id).href = url;
}

async function showInfo() {
  const response = await fetch("/v1/info", {headers: headers()});
  if (!response.ok) return;  // a token is needed first; the check will say so
  const info = await response.json();
  $("url-row").hidden = !info.features.url;
  const index = info.index || {};
  const counts = index.counts || {};
  $("about").textContent = `factcheck ${info.factcheck_version} · index of ${counts.documents ?? "?"} documents, ` +
    `${counts.passages ?? "?"} passages · verifier ${info.models.verifier}`;
}

const BUSY_RETRIES = 10;

async function check(event) {
  event.preventDefault();
  const text = $("article").value, url = $("url").value.trim();
  const body = url && !$("url-row").hidden ? {url: url} : {text: text};
  if (!body.url && !text.trim()) { status("Paste an article first.", true); return; }
  body.formats = ["jsonl", "html", "claimreview"];
  $("submit").disabled = true;
  status("Checking: extracting claims and weighing the evidence...");
  try {
    let response;
    for (let attempt = 1; ; attempt++) {  // a busy server answers 503 and says when to come back
      response = await fetch("/v1/article", {method: "POST", headers: headers(), body: JSON.stringify(body)});
      const wait = Number(response.headers.get("Retry-After"));
      if (response.status !== 503 || !wait || attempt > BUSY_RETRIES) break;
      status(`The server is busy; trying again in ${wait} s (attempt ${attempt} of ${BUSY_RETRIES})...`);
      await new Promise((done) => setTimeout(done, wait * 1000));
      status("Checking: extracting claims and weighing the evidence...");
    }
    const data = await response.json().catch(() => ({error: `the server answered ${response.status}`}));
    if (!response.ok) { status(`Error ${response.status}: ${data.error}`, true); return; }
    show(data);
  } catch (err) {
    status("Could not reach the server: " + err, true);
  } finally {
    $("submit").disabled = false;
  }
}

function show(data) {
  urls.splice(0).forEach((u) => URL.revokeObjectURL(u));
  const counts = {};
  data.results.forEach((r) => { counts[r.verdict] = (counts[r.verdict] || 0) + 1; });
  const summary = Object.entries(counts).map(([v, n]) => `${n} ${v}`).join(", ") || "no check-worthy claims";
  download("dl-jsonl", data.exports.jsonl, "application/x-ndjson");
  download("dl-html", data.exports.html, "text/html");
  download("dl-claimreview", JSON.stringify(data.exports.claimreview, null, 2) + "\n", "application/ld+json");
  $("summary").textContent = ` · ${data.results.length} claims: ${summary}`;
  $("downloads").hidden = false;
  $("report").srcdoc = data.exports.html;
  $("report").className = "shown";
  $("downloads").scrollIntoView({block: "start"});
  status("Done.");
  if (data.warnings && data.warnings.length) $("summary").textContent += " · warning: " + data.warnings.join("; ");
}

$("form").addEventListener("submit", check);
$("token").addEventListener("change", showInfo);
showInfo();
