// LlamaDb search page: plain DOM, no external resources. All server text goes in via textContent (never innerHTML).
'use strict';

const $ = (id) => document.getElementById(id);
const keyInput = $('apikey');
keyInput.value = localStorage.getItem('llamadb.apikey') || '';
keyInput.addEventListener('change', () => { localStorage.setItem('llamadb.apikey', keyInput.value); loadCollections(); });

function headers(extra) {
  const h = Object.assign({ 'Content-Type': 'application/json' }, extra || {});
  if (keyInput.value) h.Authorization = 'Bearer ' + keyInput.value;
  return h;
}

async function problemText(response) {
  try { const p = await response.json(); return (p.title ? p.title + ': ' : '') + (p.detail || response.statusText); }
  catch { return response.status + ' ' + response.statusText; }
}

async function loadCollections() {
  const select = $('collection');
  const response = await fetch('/v1/collections', { headers: headers() });
  if (!response.ok) { $('search-status').textContent = await problemText(response); return; }
  const { collections } = await response.json();
  const previous = select.value || new URLSearchParams(location.search).get('collection');
  select.replaceChildren(...collections.map((name) => new Option(name, name)));
  if (previous && collections.includes(previous)) select.value = previous;
}

function terms(query) {
  return [...new Set(query.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 1))];
}

// Appends text to parent with every occurrence of a query term wrapped in <mark>.
function appendHighlighted(parent, text, words) {
  if (words.length === 0) { parent.append(text); return; }
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp('(' + escaped.join('|') + ')', 'giu');
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parent.append(text.slice(last, match.index));
    const mark = document.createElement('mark');
    mark.textContent = match[0];
    parent.append(mark);
    last = match.index + match[0].length;
  }
  parent.append(text.slice(last));
}

// A window of the text around the first query term, so long chunks still show the match.
function snippet(text, words, size = 320) {
  if (text.length <= size) return text;
  const lower = text.toLowerCase();
  const hits = words.map((w) => lower.indexOf(w)).filter((i) => i >= 0);
  const at = hits.length ? Math.min(...hits) : 0;
  const start = Math.max(0, Math.min(at - 80, text.length - size));
  return (start > 0 ? '… ' : '') + text.slice(start, start + size) + (start + size < text.length ? ' …' : '');
}

$('search-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const query = $('query').value.trim();
  const collection = $('collection').value;
  const mode = document.querySelector('input[name=mode]:checked').value;
  const results = $('results');
  results.replaceChildren();
  $('search-status').className = '';
  $('search-status').textContent = 'Searching…';
  const response = await fetch('/v1/collections/' + encodeURIComponent(collection) + '/search', {
    method: 'POST', headers: headers(),
    body: JSON.stringify({ query, mode, top: 10, rerank: $('rerank').checked }),
  });
  if (!response.ok) {
    $('search-status').className = 'error';
    $('search-status').textContent = await problemText(response);
    return;
  }
  const body = await response.json();
  const words = terms(query);
  for (const r of body.results) {
    const li = document.createElement('li');
    li.className = 'result';
    li.dataset.rank = r.rank;
    const meta = document.createElement('div');
    meta.className = 'meta';
    const score = document.createElement('span');
    score.className = 'score';
    score.textContent = r.score.toFixed(4);
    const source = document.createElement('span');
    source.className = 'source';
    source.textContent = (r.title ? r.title + ' · ' : '') + r.source + (r.headingPath ? ' › ' + r.headingPath : '');
    meta.append(score, source);
    if (r.rerankScore !== undefined && r.rerankScore !== null) {
      const first = document.createElement('span');
      first.textContent = 'first stage ' + r.firstStageScore.toFixed(4);
      meta.append(first);
    }
    const p = document.createElement('p');
    p.className = 'snippet';
    appendHighlighted(p, snippet(r.text, words), words);
    li.append(meta, p);
    results.append(li);
  }
  $('search-status').textContent = body.results.length + ' results, ' + body.mode + (body.reranked ? ', reranked' : '') + ', ' + body.elapsedMs + ' ms';
});

// /ask with stream: true answers as server-sent events (delta…, then done with citations, or error).
$('ask-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = $('answer');
  const citations = $('citations');
  const status = $('ask-status');
  answer.textContent = '';
  citations.replaceChildren();
  status.className = '';
  status.textContent = 'Thinking…';
  const mode = document.querySelector('input[name=mode]:checked').value;
  const response = await fetch('/ask', {
    method: 'POST', headers: headers({ Accept: 'text/event-stream' }),
    body: JSON.stringify({ question: $('question').value.trim(), collection: $('collection').value, mode, rerank: $('rerank').checked, stream: true }),
  });
  if (!response.ok) { status.className = 'error'; status.textContent = await problemText(response); return; }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      const payload = JSON.parse(data);
      if (name === 'delta') {
        answer.append(payload.text);
      } else if (name === 'done') {
        for (const c of payload.citations) {
          const li = document.createElement('li');
          li.className = 'citation';
          li.value = c.number;
          li.textContent = '[' + c.number + '] ' + (c.title ? c.title + ' · ' : '') + c.source + ' (' + c.documentId + ')';
          citations.append(li);
        }
        status.textContent = payload.citations.length + ' citation(s)';
        document.body.dataset.askDone = 'true';
      } else if (name === 'error') {
        status.className = 'error';
        status.textContent = payload.detail;
      }
    }
  }
});

loadCollections();
