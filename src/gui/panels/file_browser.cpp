#include "gui/panels/file_browser.hpp"

#include "analysis/plain_words.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <system_error>

namespace racetrace {

namespace fs = std::filesystem;

namespace {

std::string sizeText(std::uintmax_t bytes) {
    if (bytes < 10'000) return groupedNumber(static_cast<std::int64_t>(bytes)) + " B";
    if (bytes < 10'000'000) return groupedNumber(static_cast<std::int64_t>(bytes / 1000)) + " kB";
    return groupedNumber(static_cast<std::int64_t>(bytes / 1'000'000)) + " MB";
}

} // namespace

void FileBrowser::show(Purpose purpose, const fs::path& start, std::string extension, std::string title) {
    m_purpose = purpose;
    m_extension = std::move(extension);
    m_title = std::move(title);
    m_opening = true;
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
            const std::string size = sizeText(entry.bytes);
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
    bool chosen = drawListing();
    if (m_purpose == Purpose::Open && !recentFiles.empty()) {
        ImGui::TextDisabled("Recent:");
        for (const auto& path : recentFiles)
            if (ImGui::Selectable(path.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick)) {
                m_name = path;
                chosen = ImGui::IsMouseDoubleClicked(0);
            }
    }
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 6);
    chosen |= ImGui::InputText("file name", &m_name, ImGuiInputTextFlags_EnterReturnsTrue);
    const char* action = m_purpose == Purpose::Open ? "Open" : "Save";
    if ((ImGui::Button(action) || chosen) && !m_name.empty()) {
        result = chosenPath();
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
    if (m_purpose == Purpose::Open) {
        ImGui::SameLine();
        ImGui::TextDisabled("(or drop a file onto the window)");
    }
    ImGui::EndPopup();
    return result;
}

} // namespace racetrace
