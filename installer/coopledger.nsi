; coopledger: the Windows installer (NSIS 3, Unicode, Simplified Chinese).
;
; Installs the PyInstaller bundle dist\coopledger for the current user, without administrator
; rights, into %LOCALAPPDATA%\Programs\coopledger, with Start-menu and desktop shortcuts and an
; uninstaller. Build on Windows (installer/README.md):
;     makensis /DVERSION=0.1.0 installer\coopledger.nsi
; or on Linux (Debian's nsis package; with a Linux bundle this is only a compile check):
;     makensis -DVERSION=0.1.0 -DBUNDLE_DIR=$PWD/dist/coopledger -DOUTFILE=$PWD/dist/x.exe \
;         installer/coopledger.nsi
;
; The data folder is the program's, never the installer's: coopledger keeps the ledger, its
; backups and its logs in %LOCALAPPDATA%\coopledger (platformdirs' user data folder), apart
; from the program folder. Installing a newer version over an older one replaces the program
; files only; the newer program migrates the ledger on its first start, after copying it to
; ledger.sqlite3.before-migrate-<revision>.bak. Uninstalling removes the program files only.
;
; This file is UTF-8 with a byte-order mark, so that makensis reads the Chinese text right.

Unicode true
; x86-unicode by default (runs on every Windows); -DTARGET=amd64-unicode for a 64-bit one.
!ifdef TARGET
  Target ${TARGET}
!endif
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef VERSION_QUAD
  !define VERSION_QUAD "${VERSION}.0"
!endif
; Paths are relative to this folder (makensis changes into the script's folder).
!ifndef BUNDLE_DIR
  !define BUNDLE_DIR "..\dist\coopledger"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\coopledger-setup-${VERSION}.exe"
!endif

!define APP_ZH "合作社账本"
!define EXE "coopledger.exe"
!define PUBLISHER "coopledger"
!define REG_KEY "Software\coopledger"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\coopledger"
; Where the program keeps the ledger (see coopledger/paths.py); only named, never touched.
!define DATA_DIR "$LOCALAPPDATA\coopledger"

Name "${APP_ZH} (coopledger) ${VERSION}"
Caption "${APP_ZH} ${VERSION} 安装"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\coopledger"
InstallDirRegKey HKCU "${REG_KEY}" "InstallDir"
BrandingText "coopledger ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "coopledger.ico"
!define MUI_UNICON "coopledger.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "安装${APP_ZH} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "${APP_ZH}（coopledger）用于村集体经济组织和合作社的记账、收益分配和公示。$\r$\n$\r$\n本程序只为当前用户安装，不需要管理员权限，也不需要联网。$\r$\n$\r$\n如果电脑上已经装有旧版本，请先关闭正在运行的${APP_ZH}。升级只替换程序文件，账本数据保留在 ${DATA_DIR}；新版本第一次打开账本时会先备份，再升级账本格式。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "现在打开${APP_ZH}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从电脑上删除${APP_ZH}的程序文件和快捷方式。$\r$\n$\r$\n账本数据（${DATA_DIR}）不会删除：账本、备份和日志都保留在那里，重新安装后可以继续使用。"

!insertmacro MUI_PAGE_WELCOME
!define MUI_PAGE_CUSTOMFUNCTION_LEAVE CheckInstallDir
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

VIProductVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${APP_ZH} (coopledger)"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${APP_ZH} 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "GPL-3.0-or-later"


; The program folder must not be the data folder: the uninstaller would then share it with the
; ledger (it would still keep the ledger, but the two are better apart).
Function CheckInstallDir
  ${If} $INSTDIR == "${DATA_DIR}"
    MessageBox MB_ICONEXCLAMATION|MB_OK "这是账本数据文件夹，请换一个安装位置。"
    Abort
  ${EndIf}
FunctionEnd

; A running coopledger.exe (and its DLLs) cannot be replaced or removed: ask the user to close
; it. Windows refuses to open a running program's file for writing (it does allow renaming it).
!macro CLOSE_RUNNING un
Function ${un}CloseRunning
  retry:
  ${If} ${FileExists} "$INSTDIR\${EXE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${EXE}" a
    ${If} ${Errors}
      MessageBox MB_ICONEXCLAMATION|MB_RETRYCANCEL "${APP_ZH}正在运行。请先关闭它（保存好正在录入的内容），然后点“重试”。" /SD IDCANCEL IDRETRY retry
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
FunctionEnd
!macroend
!insertmacro CLOSE_RUNNING ""
!insertmacro CLOSE_RUNNING "un."


Section "Install"
  SetShellVarContext current
  Call CloseRunning
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the whole program: files an older version had and this one has not
  ; (an old migration script above all) must not linger. Only the bundle's own names go.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  File /r "${BUNDLE_DIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP_ZH}"
  CreateShortcut "$SMPROGRAMS\${APP_ZH}\${APP_ZH}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
  CreateShortcut "$SMPROGRAMS\${APP_ZH}\卸载${APP_ZH}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP_ZH}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  WriteRegStr HKCU "${REG_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${REG_KEY}" "Version" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_ZH} (coopledger)"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd


; The uninstaller removes what the installer wrote and nothing else. The data folder
; (${DATA_DIR}: the ledger, its backups, the logs) stays, whatever the user chose as the
; program folder: only the bundle's own names are deleted, and the folder itself only if
; it is then empty.
Section "Uninstall"
  SetShellVarContext current
  Call un.CloseRunning
  Delete "$INSTDIR\${EXE}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  Delete "$SMPROGRAMS\${APP_ZH}\${APP_ZH}.lnk"
  Delete "$SMPROGRAMS\${APP_ZH}\卸载${APP_ZH}.lnk"
  RMDir "$SMPROGRAMS\${APP_ZH}"
  Delete "$DESKTOP\${APP_ZH}.lnk"

  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "${REG_KEY}"
  DetailPrint "账本数据保留在 ${DATA_DIR}"
SectionEnd

Function un.onUninstSuccess
  MessageBox MB_ICONINFORMATION|MB_OK "${APP_ZH}已卸载。$\r$\n$\r$\n账本数据仍在 ${DATA_DIR}，没有删除。" /SD IDOK
FunctionEnd
