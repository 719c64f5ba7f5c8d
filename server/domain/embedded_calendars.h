#pragma once

#include <span>

#include "common/embedded_file.h"

namespace ecocase::embedded {

// deploy/calendar/cn-holidays.txt, compiled into ecocase_domain by ecocase_embed_files()
// in server/domain/CMakeLists.txt, which also defines this function.
std::span<const common::EmbeddedFile> EmbeddedCalendars();

}  // namespace ecocase::embedded
