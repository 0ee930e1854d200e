#ifndef RELPATCH_RELPATCH_HPP
#define RELPATCH_RELPATCH_HPP

/// @file
/// relpatch: RFC 6901 JSON Pointer and RFC 6902 JSON Patch on RapidJSON documents, with
/// compile-time validation policies for feature-flag release documents. Includes every public
/// header.
///
/// @namespace relpatch
/// The public API: apply_patch, basic_prepared_patch, parse_document, basic_pointer, the
/// policies, limits, result and errc. Internals live in relpatch::detail (see docs/design.md).

#include <relpatch/version.hpp>
#include <relpatch/error.hpp>
#include <relpatch/limits.hpp>
#include <relpatch/result.hpp>
#include <relpatch/pointer.hpp>
#include <relpatch/operation.hpp>
#include <relpatch/policy.hpp>
#include <relpatch/patch.hpp>
#include <relpatch/prepared.hpp>
#include <relpatch/document.hpp>
#include <relpatch/text_patch.hpp>
#include <relpatch/diff.hpp>

#endif
