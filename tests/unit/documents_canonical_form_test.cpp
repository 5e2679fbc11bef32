// The canonical form of docs/documents.md and its hashes: what every stored, shown,
// validated and signed hash of the documents plugin depends on.
#include "documents/canonical_form.hpp"

#include <gtest/gtest.h>

using pacte_documents::canonical_form;
using pacte_documents::normalize_body;
using pacte_documents::normalize_heading;
using pacte_documents::Section;

TEST(DocumentsCanonicalForm, KnownDocumentHasTheIndependentlyComputedHash) {
  // printf '§ art.1\n# Article 1\n\nCafé\nligne\n' | sha256sum
  //   → 20920a64f660cb870296f87c20dff1c0d7d5098b3073d0e7467d6f994e204030
  auto form = canonical_form({{"art.1", "  Article\t1 ", "\n\nCafé  \r\nligne\t\r\n\r\n"}});
  EXPECT_EQ(form.text, "\xC2\xA7 art.1\n# Article 1\n\nCaf\xC3\xA9\nligne\n");
  EXPECT_EQ(form.hash, "20920a64f660cb870296f87c20dff1c0d7d5098b3073d0e7467d6f994e204030");
  ASSERT_EQ(form.section_hashes.size(), 1u);
  EXPECT_EQ(form.section_hashes[0], form.hash);  // one section: its block is the whole text
}

TEST(DocumentsCanonicalForm, TwoSectionsAreSeparatedByOneBlankLine) {
  // printf '§ a\n# A\n\nx\n\n§ b\n#\n' | sha256sum
  //   → ff0595ddb2fc3d8cf4852383e75496b2bd94d9a0df76df72d64fe943fd7df216
  auto form = canonical_form({{"a", "A", "x"}, {"b", "", ""}});
  EXPECT_EQ(form.text, "\xC2\xA7 a\n# A\n\nx\n\n\xC2\xA7 b\n#\n");
  EXPECT_EQ(form.hash, "ff0595ddb2fc3d8cf4852383e75496b2bd94d9a0df76df72d64fe943fd7df216");
  EXPECT_EQ(form.section_hashes.size(), 2u);
  EXPECT_NE(form.section_hashes[0], form.section_hashes[1]);
}

TEST(DocumentsCanonicalForm, NfdAndNfcGiveTheSameHash) {
  // "é" precomposed (U+00E9) and decomposed (e + U+0301); "Œ" stays as it is.
  auto nfc = canonical_form({{"preamble",
                              "Pr\xC3\xA9"
                              "ambule",
                              "dur\xC3\xA9"
                              "e : deux ans \xC5\x92"}});
  auto nfd = canonical_form({{"preamble",
                              "Pre\xCC\x81"
                              "ambule",
                              "dure\xCC\x81"
                              "e : deux ans \xC5\x92"}});
  EXPECT_EQ(nfc.hash, nfd.hash);
  EXPECT_EQ(nfc.text, nfd.text);
  EXPECT_EQ(*normalize_body("e\xCC\x81"), "\xC3\xA9");
}

TEST(DocumentsCanonicalForm, CrlfCrAndTrailingBlanksDoNotChangeTheHash) {
  auto lf = canonical_form({{"art.5", "Article 5 : durée", "ligne un\nligne deux\n\nparagraphe"}});
  auto crlf = canonical_form(
      {{"art.5", "Article 5 :  durée\r\n", "ligne un \r\nligne deux\t\r\n\r\nparagraphe\r\n"}});
  auto cr =
      canonical_form({{"art.5", "Article 5 : durée", "\rligne un\rligne deux\r\rparagraphe\r\r"}});
  EXPECT_EQ(lf.hash, crlf.hash);
  EXPECT_EQ(lf.hash, cr.hash);
  EXPECT_EQ(lf.text.back(), '\n');
  EXPECT_NE(lf.text.substr(lf.text.size() - 2), "\n\n");  // exactly one final newline
}

TEST(DocumentsCanonicalForm, KeyHeadingBodyAndOrderAreAllCovered) {
  auto base = canonical_form({{"a", "A", "x"}, {"b", "B", "y"}});
  EXPECT_NE(base.hash, canonical_form({{"a2", "A", "x"}, {"b", "B", "y"}}).hash);
  EXPECT_NE(base.hash, canonical_form({{"a", "A.", "x"}, {"b", "B", "y"}}).hash);
  EXPECT_NE(base.hash, canonical_form({{"a", "A", "x."}, {"b", "B", "y"}}).hash);
  EXPECT_NE(base.hash, canonical_form({{"b", "B", "y"}, {"a", "A", "x"}}).hash);
  // Inner spaces are content; only line ends are trimmed.
  EXPECT_NE(base.hash, canonical_form({{"a", "A", " x"}, {"b", "B", "y"}}).hash);
}

TEST(DocumentsCanonicalForm, ABodyCannotForgeASectionBoundary) {
  // Moving text between sections must change the hash even if a body imitates a header.
  auto two = canonical_form({{"a", "A", "x"}, {"b", "B", "y"}});
  auto forged = canonical_form({{"a", "A", "x\n\n\xC2\xA7 b\n# B\n\ny"}});
  EXPECT_NE(two.text, forged.text);
  EXPECT_NE(two.hash, forged.hash);
  EXPECT_NE(forged.text.find("\\\xC2\xA7 b"), std::string::npos);
}

TEST(DocumentsCanonicalForm, InvalidUtf8IsRefused) {
  EXPECT_FALSE(normalize_body("abc\xff"));
  EXPECT_FALSE(normalize_heading("\xC3"));
  EXPECT_THROW(canonical_form({{"a", "A", "\xff"}}), std::invalid_argument);
}
