/* Action plans page: an action opened from the table scrolls its detail view into sight. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.ccca_actions = {
  showDetail: function (action) {
    var box = document.getElementById("actions-detail-wrap");
    if (action && box && box.scrollIntoView) { box.scrollIntoView({ behavior: "smooth", block: "start" }); }
    return window.dash_clientside.no_update;
  }
};
