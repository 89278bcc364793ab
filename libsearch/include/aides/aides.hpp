#pragma once
/** @file aides.hpp
 *  @brief Umbrella header of the aides library: search catalogues of public aids for French
 *  local authorities. Only standard types appear in the public API.
 */
#include <aides/aid.hpp>
#include <aides/analysis.hpp>
#include <aides/errors.hpp>
#include <aides/geography.hpp>
#include <aides/index.hpp>
#include <aides/perimeters.hpp>
#include <aides/portal.hpp>
#include <aides/search.hpp>
#include <aides/version.hpp>
#include <aides/vocabulary.hpp>
