// SPDX-License-Identifier: Apache-2.0
// Where the conformance corpora are (docs/conformance.md "Corpora").
//
// FreeBSD (BSD-2-Clause) is vendored in the repository, so every clone runs it.
// Linux (GPL-2.0) is never copied into the repository: it is read in place from
// $SYNACK_LINUX_CORPUS, else ../shared/conformance/linux, by the ctest
// drill_linux_corpus (linux_corpus_test.sh), which skips saying so without it.
#pragma once

#include <filesystem>

namespace synack::drill {

/// The vendored FreeBSD corpus, relative to the source tree (the tests'
/// working directory): 530 scripts with their LICENSE.md and MANIFEST.tsv.
inline const std::filesystem::path kFreeBsdCorpus = "tests/conformance/freebsd";

}  // namespace synack::drill
