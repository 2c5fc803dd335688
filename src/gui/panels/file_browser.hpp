// Open and Save as with a file browser: the folder's sub-folders and .rtrace
// files (double-click or Enter to choose), the path typed or picked, and the
// recent files. One dialog for both purposes; the application decides what a
// chosen path means.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace racetrace {

class FileBrowser {
  public:
    enum class Purpose { Open, Save };

    /// Opens the dialog at the next draw, listing the folder of `start` (or
    /// `start` itself when it is a folder), its file name in the name field.
    /// It lists the files with `extension` and, saving, gives a name without
    /// one that extension; `title` names what is saved (an export).
    void show(Purpose purpose, const std::filesystem::path& start, std::string extension = ".rtrace",
              std::string title = {});
    /// Draws the dialog while it is open; returns the chosen path once (to
    /// save over a file that exists, only after "Replace NAME?" is answered).
    std::optional<std::string> draw(const std::vector<std::string>& recentFiles);

  private:
    struct Entry {
        std::string name;
        bool folder = false;
        std::uintmax_t bytes = 0;
    };
    /// Reads m_folder: its sub-folders, then its files with m_extension, each sorted by name.
    void readFolder();
    void enter(const std::filesystem::path& folder);
    /// The path the name field and the folder make ("trace" saves as "trace" + m_extension).
    std::string chosenPath() const;
    /// The folder's listing; true when an entry was double-clicked (chosen).
    bool drawListing();
    /// The name field's buttons; the path once chosen (`chosen`: Enter or a
    /// double-click), unless it would save over a file: then it asks first.
    std::optional<std::string> drawActions(bool chosen);
    /// "Replace NAME?" for m_replacing: the path once Replace is pressed.
    std::optional<std::string> drawReplaceQuestion();
    const char* title() const;

    Purpose m_purpose = Purpose::Open;
    bool m_opening = false;
    std::filesystem::path m_folder;
    std::string m_name;
    std::string m_extension = ".rtrace";
    std::string m_title; ///< empty: "Open trace" or "Save trace as"
    std::vector<Entry> m_entries;
    std::string m_folderError;              ///< why the folder could not be listed, if it could not
    std::optional<std::string> m_replacing; ///< a chosen path that exists: asking before writing over it
    bool m_focusName = false;               ///< give the name field the keyboard at the next draw
};

} // namespace racetrace
