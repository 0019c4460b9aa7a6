// A site whose links navigate late: each click is cancelled and the page goes to the link's
// address 150 ms later, as a site does that sends an analytics beacon or plays an exit animation
// first. footfall must still record the click as the navigation it caused and the linked page as
// the next visit (test/engine/targets_test.cpp).
document.addEventListener('click', e => {
  const a = e.target.closest ? e.target.closest('a[href]') : null;
  if (!a) return;
  e.preventDefault();
  setTimeout(() => { location.href = a.href; }, 150);
});
