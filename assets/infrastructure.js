/* Critical infrastructure layers (issue 19): facility points, their clusters and hazard-zone styles.
   Looked up by name by dash-leaflet (window.ccca.*); no outside requests, no image icons. */
window.ccca = Object.assign({}, window.ccca, {
  facilityPoint: function (feature, latlng) {
    var colour = (feature.properties && feature.properties.colour) || "#343a40";
    return L.circleMarker(latlng, {pane: "infra-facilities", radius: 7, color: "#ffffff", weight: 2, fillColor: colour, fillOpacity: 1});
  },
  facilityCluster: function (feature, latlng) {
    var count = feature.properties.point_count;
    var size = count < 10 ? 30 : (count < 100 ? 36 : 44);
    var icon = L.divIcon({
      html: "<span>" + feature.properties.point_count_abbreviated + "</span>",
      className: "facility-cluster", iconSize: L.point(size, size)
    });
    return L.marker(latlng, {pane: "infra-facilities", icon: icon, keyboard: false});
  },
  zoneStyle: function (feature) {
    var colour = (feature.properties && feature.properties.colour) || "#4c8cbf";
    return {color: colour, weight: 1, fillColor: colour, fillOpacity: 0.35};
  }
});
