// What every page of the journey site shares: its header, the site navigation (one link of each
// kind the engine must tell apart: same-site pages, a robots.txt-disallowed page, another origin,
// mailto:, javascript:, a file download, a download attribute) and the filler copy visitors read
// and scroll past. Each call stands in a <script> of its page and replaces that element with what
// it writes, so the document is the one a page spelled out in full would give.
'use strict';

let journeyPage = '';

function journeyWrite(html) {
  const here = document.currentScript;
  here.insertAdjacentHTML('beforebegin', html);
  here.remove();
}

/** The header titled `page` and the navigation. */
function journeyTop(page) {
  journeyPage = page;
  journeyWrite(`<header><h1>${page}</h1></header>
<nav id="nav">
  <a href="index.html">Home</a> <a href="products.html">Products</a> <a href="about.html">About</a>
  <a href="contact.html">Contact</a> <a href="blog.html">Blog</a> <a href="overlay.html">Offers</a>
  <a href="private/secret.html">Staff only</a>
  <a href="http://localhost:9/elsewhere.html">Partner site</a>
  <a href="mailto:hello@example.com">Mail us</a>
  <a href="javascript:void(0)">Do nothing</a>
  <a href="files/catalogue.pdf">Catalogue (PDF)</a>
  <a href="products.html" download>Save page</a>
</nav>`);
}

/** Paragraphs `from` to `to` of the page's copy. */
function journeyCopy(from, to) {
  const lorem = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4);
  let html = '';
  for (let i = from; i <= to; ++i)
    html += `<p class="copy">${journeyPage} paragraph ${i}: footfall visitors read this text, ` +
            `scroll past it and sometimes click on it. ${lorem}</p>\n`;
  journeyWrite(html);
}
