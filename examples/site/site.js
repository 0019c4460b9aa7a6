// What every Northwind page shares: the header and navigation (same-site pages, another
// origin, mailto:, a file download, a robots.txt-disallowed page: the kinds of link footfall
// tells apart), the filler copy visitors scroll through, and the footer. Each call stands in a
// <script> of its page and replaces that element with what it writes: the browser ends up with
// the document a page spelled out in full would give.
'use strict';

function northwindWrite(html) {
  const here = document.currentScript;
  here.insertAdjacentHTML('beforebegin', html);
  here.remove();
}

/** The header and the navigation. */
function northwindTop() {
  northwindWrite('<header><h1>Northwind</h1></header>' +
      '<nav><a href="index.html">Home</a><a href="shop.html">Shop</a>' +
      '<a href="product.html">Trail jacket</a><a href="journal.html">Journal</a>' +
      '<a href="about.html">About</a><a href="contact.html">Contact</a>' +
      '<a href="https://example.com/partner">Partner</a><a href="mailto:hi@northwind.example">Mail</a>' +
      '<a href="files/lookbook.pdf">Lookbook (PDF)</a><a href="admin/index.html">Admin</a></nav>');
}

/** Five paragraphs of filler copy. */
function northwindFiller() {
  const text = 'Footfall visitors scroll through this text at their own pace. '.repeat(6);
  let html = '';
  for (let i = 1; i <= 5; ++i) html += `<p class="filler">Paragraph ${i}. ${text}</p>`;
  northwindWrite(html);
}

/** The footer. */
function northwindFooter() {
  northwindWrite('<footer><a href="about.html">About</a> · <a href="contact.html">Contact</a> · ' +
      '<a href="index.html">Home</a></footer>');
}
