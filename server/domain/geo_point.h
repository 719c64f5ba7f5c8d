#pragma once

namespace ecocase::domain {

// A WGS-84 position in degrees.
struct GeoPoint {
  double latitude = 0;   // -90..90
  double longitude = 0;  // -180..180
};

}  // namespace ecocase::domain
