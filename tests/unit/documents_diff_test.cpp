// Word-level diff and section alignment of the documents plugin, on constructed cases.
#include "documents/section_diff.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using pacte_documents::compare_sections;
using pacte_documents::DiffPart;
using pacte_documents::Section;
using pacte_documents::SectionChange;
using pacte_documents::word_diff;
using pacte_documents::word_tokens;

namespace {

/// "=kept -deleted +inserted" runs, readable in failure messages.
std::string show(const std::vector<DiffPart>& parts) {
  std::string out;
  for (auto& p : parts) {
    out += p.kind == DiffPart::Kind::equal ? "[=" : p.kind == DiffPart::Kind::del ? "[-" : "[+";
    out += p.text + "]";
  }
  return out;
}

std::string side(const std::vector<DiffPart>& parts, DiffPart::Kind skip) {
  std::string out;
  for (auto& p : parts)
    if (p.kind != skip) out += p.text;
  return out;
}

}  // namespace

TEST(DocumentsDiff, TokensKeepEveryCharacter) {
  auto t = word_tokens("  deux ans,\nà partir ");
  EXPECT_EQ(t,
            (std::vector<std::string>{"  ", "deux", " ", "ans,", "\n", "à", " ", "partir", " "}));
  EXPECT_TRUE(word_tokens("").empty());
}

TEST(DocumentsDiff, IdenticalTextsAreOneEqualRun) {
  EXPECT_EQ(show(word_diff("a b c", "a b c")), "[=a b c]");
  EXPECT_TRUE(word_diff("", "").empty());
}

TEST(DocumentsDiff, OneWordReplaced) {
  EXPECT_EQ(show(word_diff("pour une durée de deux ans", "pour une durée de trois ans")),
            "[=pour une durée de ][-deux][+trois][= ans]");
}

TEST(DocumentsDiff, InsertionAndDeletion) {
  EXPECT_EQ(show(word_diff("le pacte est signé", "le pacte est signé et publié")),
            "[=le pacte est signé][+ et publié]");
  EXPECT_EQ(show(word_diff("le pacte est bien signé", "le pacte est signé")),
            "[=le pacte est ][-bien ][=signé]");
  EXPECT_EQ(show(word_diff("", "nouveau texte")), "[+nouveau texte]");
  EXPECT_EQ(show(word_diff("ancien texte", "")), "[-ancien texte]");
}

TEST(DocumentsDiff, AdjacentReplacementsAreReadAsOne) {
  EXPECT_EQ(show(word_diff("x a b y", "x c d y")), "[=x ][-a b][+c d][= y]");
}

TEST(DocumentsDiff, ScriptIsMinimalAndRebuildsBothSides) {
  std::string a = "un deux trois quatre cinq six sept",
              b = "un trois quatre cinq huit six sept neuf";
  auto d = word_diff(a, b);
  EXPECT_EQ(side(d, DiffPart::Kind::insert), a);
  EXPECT_EQ(side(d, DiffPart::Kind::del), b);
  int edits = 0;
  for (auto& p : d)
    if (p.kind != DiffPart::Kind::equal) edits += static_cast<int>(word_tokens(p.text).size());
  // "deux " (2 tokens) deleted, "huit " and " neuf" (2 + 2) inserted.
  EXPECT_EQ(edits, 6) << show(d);
}

TEST(DocumentsDiff, BeyondTheEditBoundTheTextIsReportedReplaced) {
  auto d = word_diff("a b c d", "w x y z", 2);
  EXPECT_EQ(show(d), "[-a b c d][+w x y z]");
}

TEST(DocumentsDiff, SectionsAlignedByKey) {
  std::vector<Section> before = {{"preamble", "Préambule", "p"},
                                 {"art.1", "Article 1", "un"},
                                 {"art.2", "Article 2", "deux"},
                                 {"art.3", "Article 3", "trois"}};
  std::vector<Section> after = {{"preamble", "Préambule", "p"},
                                {"art.2", "Article 2", "deux bis"},
                                {"art.3", "Article 3", "trois"},
                                {"art.1", "Article 1", "un"},
                                {"art.4", "Article 4", "quatre"}};
  auto changes = compare_sections(before, after);
  ASSERT_EQ(changes.size(), 5u);
  EXPECT_EQ(changes[0].key, "preamble");
  EXPECT_EQ(changes[0].status, SectionChange::Status::unchanged);
  EXPECT_FALSE(changes[0].moved);
  EXPECT_EQ(changes[1].key, "art.2");
  EXPECT_EQ(changes[1].status, SectionChange::Status::changed);
  EXPECT_FALSE(changes[1].moved);
  EXPECT_EQ(show(changes[1].body_diff), "[=deux][+ bis]");
  EXPECT_EQ(changes[2].key, "art.3");
  EXPECT_FALSE(changes[2].moved);
  EXPECT_EQ(changes[3].key, "art.1");  // the one move that explains the new order
  EXPECT_TRUE(changes[3].moved);
  EXPECT_EQ(changes[3].status, SectionChange::Status::unchanged);
  EXPECT_EQ(changes[4].key, "art.4");
  EXPECT_EQ(changes[4].status, SectionChange::Status::added);
  EXPECT_FALSE(changes[4].before);
}

TEST(DocumentsDiff, RemovedSectionsStayWhereTheyWere) {
  std::vector<Section> before = {
      {"a", "A", "1"}, {"b", "B", "2"}, {"c", "C", "3"}, {"d", "D", "4"}};
  std::vector<Section> after = {{"a", "A", "1"}, {"d", "D", "4"}};
  auto changes = compare_sections(before, after);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].key, "a");
  EXPECT_EQ(changes[1].key, "b");
  EXPECT_EQ(changes[1].status, SectionChange::Status::removed);
  EXPECT_EQ(changes[1].before_position, 1);
  EXPECT_EQ(changes[2].key, "c");
  EXPECT_EQ(changes[2].status, SectionChange::Status::removed);
  EXPECT_EQ(changes[3].key, "d");
  EXPECT_EQ(changes[3].status, SectionChange::Status::unchanged);
  // A removed first section comes first.
  auto first = compare_sections({{"x", "X", ""}, {"a", "A", ""}}, {{"a", "A", ""}});
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].key, "x");
  EXPECT_EQ(first[0].status, SectionChange::Status::removed);
}

TEST(DocumentsDiff, AChangedHeadingIsAChange) {
  auto changes = compare_sections({{"a", "Article 6 : résiliation", "t"}},
                                  {{"a", "Article 6 : résiliation et litiges", "t"}});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].status, SectionChange::Status::changed);
  EXPECT_EQ(show(changes[0].heading_diff), "[=Article 6 : résiliation][+ et litiges]");
  EXPECT_EQ(show(changes[0].body_diff), "[=t]");
}
