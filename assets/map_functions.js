/* Style functions that dash-leaflet looks up by name (window.ccca.*); no outside requests. */
window.ccca = Object.assign({}, window.ccca, {
  countryStyle: function (feature) {
    var member = feature.properties && feature.properties.member_country;
    return {
      color: member ? "#3e4c59" : "#9aa5b1",
      weight: member ? 1.4 : 0.8,
      fillColor: member ? "#f5f7fa" : "#e4e7eb",
      fillOpacity: member ? 0.9 : 0.6
    };
  },
  admin1Style: function () {
    return {color: "#7b8794", weight: 0.5, dashArray: "2 3", fill: false};
  },
  riverStyle: function (feature) {
    var lake = feature.properties && feature.properties.kind === "lake";
    return {color: "#1c7ed6", weight: lake ? 0.6 : 1.2, fillColor: "#a5d8ff",
            fillOpacity: lake ? 0.8 : 0, opacity: 0.8};
  }
});
