// What a person downloads to open a page with an empty cache: the page's HTML and every file
// it references (`<link href>`: the stylesheet, the icon, and, on pages with islands only, the
// JS and WASM the hydration script preloads; `<script src>`), each counted once, raw and as a
// compressing server or proxy sends it (gzip -9, brotli q11, like scripts/size).
//
//   node scripts/page-weight.mjs BASE_URL COOKIE name=/path [name=/path ...]
//
// Prints one JSON line per page: {"page", "path", "status", "html": {raw, gzip, br},
// "texts": bytes of the page's messages (`<script id="texts">`), "files": [{url, raw, gzip,
// br}], "total": {raw, gzip, br}, "wasm": whether the page loads the WASM}. Exits non-zero if a
// page or one of its files does not answer 200.
import zlib from "node:zlib";

const [base, cookie, ...pages] = process.argv.slice(2);
if (!base || cookie === undefined || pages.length === 0) {
  console.error("usage: page-weight.mjs BASE_URL COOKIE name=/path ...");
  process.exit(2);
}

function sizes(buf) {
  return {
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    br: zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

// A page is asked for as a browser navigates (HTML), a file as a browser fetches it.
async function get(url, accept = "*/*") {
  const res = await fetch(url, { headers: { Cookie: cookie, Accept: accept }, redirect: "manual" });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

// Same-origin files the page names. (A `<link rel="preload">` of the WASM is the fetch the
// island script then makes; the browser's cache serves the second.)
function referenced(html) {
  const urls = new Set();
  for (const m of html.matchAll(/<link\b[^>]*?\bhref="([^"]+)"/g)) urls.add(m[1]);
  for (const m of html.matchAll(/<script\b[^>]*?\bsrc="([^"]+)"/g)) urls.add(m[1]);
  return [...urls].filter((u) => u.startsWith("/") && !u.startsWith("//"));
}

let failed = false;
for (const spec of pages) {
  const eq = spec.indexOf("=");
  const [name, path] = [spec.slice(0, eq), spec.slice(eq + 1)];
  try {
    const htmlBuf = await get(base + path, "text/html,application/xhtml+xml");
    const html = htmlBuf.toString("utf8");
    const texts = /<script type="application\/json" id="texts">([\s\S]*?)<\/script>/.exec(html);
    const files = [];
    for (const url of referenced(html)) files.push({ url, ...sizes(await get(base + url)) });
    const page = sizes(htmlBuf);
    const total = { raw: page.raw, gzip: page.gzip, br: page.br };
    for (const f of files) for (const k of ["raw", "gzip", "br"]) total[k] += f[k];
    console.log(JSON.stringify({
      page: name, path, status: 200, html: page, texts: texts ? Buffer.byteLength(texts[1]) : 0,
      files, total, wasm: files.some((f) => f.url.endsWith(".wasm")),
    }));
  } catch (e) {
    console.error(`page-weight: ${name} (${path}): ${e.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
