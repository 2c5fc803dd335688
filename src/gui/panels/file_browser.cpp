#include "gui/panels/file_browser.hpp"

#include "analysis/plain_words.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <system_error>
#include <utility>

namespace racetrace {

namespace fs = std::filesystem;

void FileBrowser::show(Purpose purpose, const fs::path& start, std::string extension, std::string title) {
    m_purpose = purpose;
    m_extension = std::move(extension);
    m_title = std::move(title);
    m_opening = true;
    m_replacing.reset();
    std::error_code error;
    const fs::path absolute = fs::absolute(start.empty() ? fs::path(".") : start, error);
    if (fs::is_directory(absolute, error)) {
        m_name.clear();
        enter(absolute);
    } else {
        m_name = absolute.filename().string();
        enter(absolute.parent_path());
    }
}

void FileBrowser::enter(const fs::path& folder) {
    m_folder = folder.lexically_normal();
    readFolder();
}

void FileBrowser::readFolder() {
    m_entries.clear();
    m_folderError.clear();
    std::error_code error;
    fs::directory_iterator it(m_folder, fs::directory_options::skip_permission_denied, error);
    if (error) {
        m_folderError = "Cannot list " + m_folder.string() + ": " + error.message() + ".";
        return;
    }
    for (; it != fs::directory_iterator(); it.increment(error)) {
        if (error) break;
        const std::string name = it->path().filename().string();
        if (name.starts_with(".")) continue; // hidden, as file managers do
        std::error_code kind;
        if (it->is_directory(kind))
            m_entries.push_back({name, true, 0});
        else if (it->path().extension() == m_extension)
            m_entries.push_back({name, false, it->file_size(kind)});
    }
    std::sort(m_entries.begin(), m_entries.end(),
              [](const Entry& a, const Entry& b) { return a.folder != b.folder ? a.folder : a.name < b.name; });
}

std::string FileBrowser::chosenPath() const {
    fs::path path = fs::path(m_name).is_absolute() ? fs::path(m_name) : m_folder / m_name;
    if (m_purpose == Purpose::Save && !path.has_extension()) path += m_extension;
    return path.string();
}

bool FileBrowser::drawListing() {
    bool chosen = false;
    const float rows =
        std::clamp(ImGui::GetIO().DisplaySize.y / ImGui::GetTextLineHeightWithSpacing() * 0.4f, 4.0f, 14.0f);
    ImGui::BeginChild("##listing", ImVec2(0, rows * ImGui::GetTextLineHeightWithSpacing()), true);
    if (m_folder.has_parent_path() && m_folder != m_folder.root_path() && ImGui::Selectable("../ (up)")) {
        enter(m_folder.parent_path());
        ImGui::EndChild();
        return false;
    }
    if (!m_folderError.empty()) ImGui::TextWrapped("%s", m_folderError.c_str());
    if (m_entries.empty() && m_folderError.empty())
        ImGui::TextDisabled("No folders and no %s files here.", m_extension.c_str());
    for (const Entry& entry : m_entries) {
        const std::string label = entry.folder ? entry.name + "/" : entry.name;
        const bool selected = !entry.folder && entry.name == m_name;
        if (ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_AllowDoubleClick)) {
            if (entry.folder) {
                enter(m_folder / entry.name);
                break; // the listing changed under the loop
            }
            m_name = entry.name;
            chosen = ImGui::IsMouseDoubleClicked(0);
        }
        if (!entry.folder) {
            const std::string size = fileSize(entry.bytes); // as the status line says it
            ImGui::SameLine(ImGui::GetContentRegionMax().x - ImGui::CalcTextSize(size.c_str()).x);
            ImGui::TextDisabled("%s", size.c_str());
        }
    }
    ImGui::EndChild();
    return chosen;
}

const char* FileBrowser::title() const {
    if (!m_title.empty()) return m_title.c_str();
    return m_purpose == Purpose::Open ? "Open trace" : "Save trace as";
}

std::optional<std::string> FileBrowser::drawActions(bool chosen) {
    std::optional<std::string> result;
    const char* action = m_purpose == Purpose::Open ? "Open" : "Save";
    if ((ImGui::Button(action) || chosen) && !m_name.empty()) {
        const std::string path = chosenPath();
        std::error_code error;
        // Saving over a file loses it: the browser asks first (an export
        // names its file after the trace, so Enter alone would overwrite).
        if (m_purpose == Purpose::Save && std::filesystem::exists(path, error)) {
            m_replacing = path;
            return std::nullopt;
        }
        result = path;
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    // No key repeat: an Esc that answered "Replace?" and is still held must not close the browser.
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
        ImGui::CloseCurrentPopup();
    if (m_purpose == Purpose::Open) {
        ImGui::SameLine();
        ImGui::TextDisabled("(or drop a file onto the window)");
    }
    return result;
}

std::optional<std::string> FileBrowser::drawReplaceQuestion() {
    const std::string name = fs::path(*m_replacing).filename().string();
    ImGui::TextWrapped("Replace %s? It exists already; saving writes over it.", name.c_str());
    // Enter confirms (the name was chosen with Enter; a held key does not
    // repeat here), Esc goes back to the name.
    if (ImGui::Button("Replace (Enter)") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false)) {
        std::optional<std::string> result = std::exchange(m_replacing, std::nullopt);
        ImGui::CloseCurrentPopup();
        return result;
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel (Esc)") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
        m_replacing.reset();
        m_focusName = true; // back to the name, ready for another
    }
    return std::nullopt;
}

std::optional<std::string> FileBrowser::draw(const std::vector<std::string>& recentFiles) {
    if (m_opening) {
        ImGui::OpenPopup(title());
        m_opening = false;
    }
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x / 2, display.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(display.x * 0.9f, ImGui::GetFontSize() * 40), 0), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal(title(), nullptr)) return std::nullopt;
    std::optional<std::string> result;
    ImGui::TextDisabled("%s", m_folder.string().c_str());
    const std::string before = m_name;
    bool chosen = drawListing();
    if (m_purpose == Purpose::Open && !recentFiles.empty()) {
        ImGui::TextDisabled("Recent:");
        for (const auto& path : recentFiles)
            if (ImGui::Selectable(path.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick)) {
                m_name = path;
                chosen = ImGui::IsMouseDoubleClicked(0);
            }
    }
    if (m_name != before) m_replacing.reset(); // another file picked: the question was about the last one
    if (m_replacing) {
        result = drawReplaceQuestion();
    } else {
        if (ImGui::IsWindowAppearing() || std::exchange(m_focusName, false)) ImGui::SetKeyboardFocusHere();
        ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 6);
        chosen |= ImGui::InputText("file name", &m_name, ImGuiInputTextFlags_EnterReturnsTrue);
        result = drawActions(chosen);
    }
    ImGui::EndPopup();
    return result;
}

} // namespace racetrace
