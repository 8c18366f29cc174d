# The variables the UEFI specification defines under its own GUIDs are checked after EndOfDxe by EDK II's
# VarCheckUefiLib (reference 3.7): each has fixed attributes, a size range and, for some, a data format. Only
# failing writes are made here (a refused write changes nothing), plus one well-formed load option.
Feature: UEFI-defined variables are checked against their specification after EndOfDxe

  Scenario Outline: <name> with <why> is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When the firmware signals EndOfDxe
    And I set the variable "<name>" of vendor EFI_GLOBAL_VARIABLE with attributes <attrs> to <data>
    Then the status is EFI_INVALID_PARAMETER

    Examples:
      | name                 | attrs    | data                                | why                                        |
      | Timeout              | NV\|BS\|RT | 4 bytes of 0x00                   | four bytes where two are defined           |
      | Timeout              | BS\|RT   | 2 bytes of 0x00                     | no NV attribute                            |
      | BootNext             | NV\|BS\|RT | 1 bytes of 0x01                   | one byte where two are defined             |
      | BootOrder            | NV\|BS\|RT | 3 bytes of 0x01                   | an odd size for a list of UINT16           |
      | DriverOrder          | NV\|BS\|RT | 5 bytes of 0x01                   | an odd size for a list of UINT16           |
      | OsIndications        | NV\|BS\|RT | 4 bytes of 0x00                   | four bytes where eight are defined         |
      | HwErrRecSupport      | NV\|BS\|RT | 1 bytes of 0x01                   | one byte where two are defined             |
      | Boot0123             | NV\|BS\|RT | 5 bytes of 0x00                   | less than a load option's fixed part       |
      | Boot0123             | NV\|BS\|RT | hex "01000000 0400 4100 7FFF0400"  | a description without its NUL              |
      | Boot0123             | NV\|BS\|RT | hex "01000000 0800 4100 0000 7FFF0400" | a file path list longer than the data |
      | Boot0123             | BS\|RT   | hex "01000000 0400 4100 0000 7FFF0400" | no NV attribute                         |
      | Driver00ab           | NV\|BS\|RT | hex "01000000 0400 4100 0000 01020400" | a file path that is not a device path |
      | Key0001              | NV\|BS\|RT | 13 bytes of 0x00                  | a key option with a partial input key      |
      | Key0001              | NV\|BS\|RT | 26 bytes of 0x00                  | a key option with four input keys          |
      | Lang                 | NV\|BS\|RT | text "eng"                        | a language code without its NUL            |
      | ConOut               | NV\|BS\|RT | hex "01 02 03 04"                 | a device path longer than the data         |
      | PlatformRecovery0001 | BS\|RT   | 5 bytes of 0x00                     | less than a load option's fixed part       |
      | Boot012G             | NV\|BS\|RT | hex "01000000 0400 4100 0000 7FFF0400" | a number that is not hexadecimal      |
      | Boot01234            | NV\|BS\|RT | hex "01000000 0400 4100 0000 7FFF0400" | five digits                           |

  Scenario Outline: <name> is read-only after EndOfDxe
    Given the firmware is in the boot phase
    When the firmware signals EndOfDxe
    And I set the variable "<name>" of vendor EFI_GLOBAL_VARIABLE with attributes BS|RT to <data>
    Then the status is EFI_WRITE_PROTECTED

    Examples:
      | name             | data              |
      | SecureBoot       | 1 bytes of 0x01   |
      | SetupMode        | 1 bytes of 0x00   |
      | SignatureSupport | 16 bytes of 0x00  |
      | VendorKeys       | 1 bytes of 0x00   |

  Scenario: A well-formed load option is accepted as Boot####
    Given the firmware is in the boot phase
    When the firmware signals EndOfDxe
    And I set the variable "Boot0AB1" of vendor EFI_GLOBAL_VARIABLE with attributes NV|BS|RT to hex "01000000 0400 4100 0000 7FFF0400"
    Then the status is EFI_SUCCESS
    And the variable "Boot0AB1" of vendor EFI_GLOBAL_VARIABLE holds hex "01000000 0400 4100 0000 7FFF0400"
    When I delete the variable "Boot0AB1" of vendor EFI_GLOBAL_VARIABLE
    Then the status is EFI_SUCCESS

  # The boot manager (BdsDxe) marks these read-only with RequestToLock before it signals EndOfDxe
  Scenario Outline: <name> is locked by the boot manager
    Given the firmware is in the boot phase
    When the firmware signals EndOfDxe
    And I set the variable "<name>" of vendor EFI_GLOBAL_VARIABLE with attributes <attrs> to <data>
    Then the status is EFI_WRITE_PROTECTED

    Examples:
      | name                   | attrs      | data            |
      | PlatformLangCodes      | BS\|RT     | hex "656E00"    |
      | LangCodes              | BS\|RT     | hex "656E6700"  |
      | BootOptionSupport      | BS\|RT     | 4 bytes of 0x00 |
      | HwErrRecSupport        | NV\|BS\|RT | 2 bytes of 0x00 |
      | OsIndicationsSupported | BS\|RT     | 8 bytes of 0x00 |

  Scenario: A defined variable the boot manager does not lock can be written
    Given the firmware is in the boot phase
    When the firmware signals EndOfDxe
    And I set the variable "BootCurrent" of vendor EFI_GLOBAL_VARIABLE with attributes BS|RT to 2 bytes of 0x00
    Then the status is EFI_SUCCESS
