/* Loss monitor: an address ending in #loss-<event_id> (the city page's links) scrolls to that
   event once Dash has drawn the page, since the browser looks for the anchor before it exists.
   Each address is handled once, so later redraws never move the reader. */
(function () {
  var handled = null;
  function seek() {
    var hash = window.location.hash;
    if (handled === window.location.href || !hash || hash.indexOf('#loss-') !== 0) { return; }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) { return; }
    handled = window.location.href;
    target.scrollIntoView({block: 'center'});
    var row = target.closest('tr');
    if (row) { row.classList.add('loss-target'); }
  }
  function watch() {
    new MutationObserver(seek).observe(document.body, {childList: true, subtree: true});
    seek();
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', watch); } else { watch(); }
})();
