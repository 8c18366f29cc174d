Feature: MOR and MORLock
  The SMM variable driver guards the TCG memory-overwrite variables itself
  (TcgMorLockSmm, linked into VariableSmm in OVMF; reference 3.7.3).
  MemoryOverwriteRequestControlLock is written only as 0 (unlock), 1 (lock) or an 8-byte
  key, stores the resulting state (0, 1, 2) rather than the caller's data, and while it
  is locked MemoryOverwriteRequestControl is refused. OVMF produces no MOR variable, so
  on a platform without a TPM both names are locked by policy at EndOfDxe. Real firmware
  runs a test's code only after EndOfDxe; the scenarios of the time before it need a
  target that can call before EndOfDxe (@requires:before-end-of-dxe).

  Background:
    Given vendor "Mor" is E20939BE-32D4-41BE-A150-897F85D49829
    And vendor "MorLock" is BB983CCF-151D-40E1-A07B-4A17BE168292
    And the firmware is in the boot phase

  @requires:before-end-of-dxe
  Scenario: Locking MOR without a key stores state 1 and refuses MOR writes
    When I set the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" with attributes NV|BS|RT to hex "01"
    Then the status is EFI_SUCCESS
    And the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" holds hex "01"
    When I set the variable "MemoryOverwriteRequestControl" of vendor "Mor" with attributes NV|BS|RT to hex "01"
    Then the status is EFI_ACCESS_DENIED
    When I set the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" with attributes NV|BS|RT to hex "00"
    Then the status is EFI_ACCESS_DENIED

  @requires:before-end-of-dxe
  Scenario: Locking with a key stores state 2 and only that key unlocks
    When I set the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" with attributes NV|BS|RT to hex "0102030405060708"
    Then the status is EFI_SUCCESS
    And the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" holds hex "02"
    When I set the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" with attributes NV|BS|RT to hex "0102030405060708"
    Then the status is EFI_SUCCESS
    And the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" holds hex "00"

  # ref 3.7.3: a wrong key drops to "locked without key", so even the right key is refused afterwards
  @requires:before-end-of-dxe
  Scenario: A wrong key forgets the key
    When I set the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" with attributes NV|BS|RT to hex "0102030405060708"
    And I set the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" with attributes NV|BS|RT to hex "0000000000000000"
    Then the status is EFI_ACCESS_DENIED
    When I set the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" with attributes NV|BS|RT to hex "0102030405060708"
    Then the status is EFI_ACCESS_DENIED

  Scenario: MORLock cannot be deleted
    When I delete the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock"
    Then the status is EFI_WRITE_PROTECTED

  # ref 3.7.3: the MOR checks run before VarCheck and the policies, so malformed writes stay EFI_INVALID_PARAMETER
  Scenario Outline: MORLock takes one or eight bytes with NV|BS|RT only
    When I set the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" with attributes <attrs> to <data>
    Then the status is EFI_INVALID_PARAMETER

    Examples:
      | attrs    | data        |
      | NV\|BS   | hex "01"    |
      | NV\|BS\|RT | hex "0101"  |
      | NV\|BS\|RT | hex "02"    |

  Scenario: MOR takes exactly one byte with NV|BS|RT
    When I set the variable "MemoryOverwriteRequestControl" of vendor "Mor" with attributes BS|RT to hex "01"
    Then the status is EFI_INVALID_PARAMETER
    When I set the variable "MemoryOverwriteRequestControl" of vendor "Mor" with attributes NV|BS|RT to hex "0100"
    Then the status is EFI_INVALID_PARAMETER

  # ref 3.7.3 and 5.3: without TCG protocols, EndOfDxe locks both names with LOCK_NOW policies
  Scenario: Without a TPM both MOR variables are write-protected after EndOfDxe
    When the firmware signals EndOfDxe
    And I set the variable "MemoryOverwriteRequestControl" of vendor "Mor" with attributes NV|BS|RT to hex "01"
    Then the status is EFI_WRITE_PROTECTED
    And the variable "MemoryOverwriteRequestControl" of vendor "Mor" does not exist
    When I set the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" with attributes NV|BS|RT to hex "01"
    Then the status is EFI_WRITE_PROTECTED
    When I set the variable "MemoryOverwriteRequestControlLock" of vendor "MorLock" with attributes NV|BS|RT to hex "0102030405060708"
    Then the status is EFI_WRITE_PROTECTED

  # ref 3.7.3: a MOR variable found at EndOfDxe without TCG protocols was left by an OS and is deleted
  @requires:before-end-of-dxe
  Scenario: A MOR variable written before EndOfDxe is deleted at EndOfDxe
    When I set the variable "MemoryOverwriteRequestControl" of vendor "Mor" with attributes NV|BS|RT to hex "01"
    Then the status is EFI_SUCCESS
    When the firmware signals EndOfDxe
    Then the variable "MemoryOverwriteRequestControl" of vendor "Mor" does not exist
