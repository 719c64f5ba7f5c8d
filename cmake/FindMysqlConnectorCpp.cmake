# Connector/C++ 1.1 (libmysqlcppconn-dev) ships no CMake package; wrap it in an imported target.
find_path(MysqlConnectorCpp_INCLUDE_DIR NAMES cppconn/driver.h)
find_library(MysqlConnectorCpp_LIBRARY NAMES mysqlcppconn)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MysqlConnectorCpp
  REQUIRED_VARS MysqlConnectorCpp_LIBRARY MysqlConnectorCpp_INCLUDE_DIR)
if(MysqlConnectorCpp_FOUND AND NOT TARGET MysqlConnectorCpp::mysqlcppconn)
  add_library(MysqlConnectorCpp::mysqlcppconn UNKNOWN IMPORTED)
  set_target_properties(MysqlConnectorCpp::mysqlcppconn PROPERTIES
    IMPORTED_LOCATION "${MysqlConnectorCpp_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MysqlConnectorCpp_INCLUDE_DIR}")
endif()
