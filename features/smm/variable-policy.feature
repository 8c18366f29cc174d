Feature: Variable policies
  EDKII_VARIABLE_POLICY_PROTOCOL registers rules for a name, a wildcard name ('#'
  matches one hex digit) or a whole vendor namespace: size limits, required and
  forbidden attributes, and a lock (now, on create, or while another variable holds a
  value). The most specific policy wins. Policies bind untrusted writes from EndOfDxe
  on; the interface itself is locked at EndOfDxe (reference 5.5).
  Real firmware runs a test's code only after EndOfDxe, so the scenarios that register
  policies before it need a target that can call before EndOfDxe
  (@requires:before-end-of-dxe).

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc
    And the firmware is in the boot phase

  @requires:before-end-of-dxe
  Scenario: A policy locking a variable now write-protects it after EndOfDxe
    When I register a variable policy for "HilPolicy" of vendor "TestVendor" locking it now
    Then the status is EFI_SUCCESS
    When I set the variable "HilPolicy" of vendor "TestVendor" with attributes NV|BS|RT to text "early"
    Then the status is EFI_SUCCESS
    When the firmware signals EndOfDxe
    And I set the variable "HilPolicy" of vendor "TestVendor" with attributes NV|BS|RT to text "late"
    Then the status is EFI_WRITE_PROTECTED
    And the variable "HilPolicy" of vendor "TestVendor" holds text "early"

  @requires:before-end-of-dxe
  Scenario: A policy locking on create lets the variable be created once
    When I register a variable policy for "HilOnce" of vendor "TestVendor" locking it on create
    And the firmware signals EndOfDxe
    And I set the variable "HilOnce" of vendor "TestVendor" with attributes NV|BS|RT to text "first"
    Then the status is EFI_SUCCESS
    When I set the variable "HilOnce" of vendor "TestVendor" with attributes NV|BS|RT to text "second"
    Then the status is EFI_WRITE_PROTECTED
    And the variable "HilOnce" of vendor "TestVendor" holds text "first"

  # ref 5.5: the state variable must be exactly one byte holding the value
  @requires:before-end-of-dxe
  Scenario: A policy locking on a variable's state follows that variable
    When I register a variable policy for "HilGuarded" of vendor "TestVendor" locking it while variable "HilGate" of vendor "TestVendor" is 1
    Then the status is EFI_SUCCESS
    When I set the variable "HilGate" of vendor "TestVendor" with attributes BS|RT to hex "00"
    And the firmware signals EndOfDxe
    And I set the variable "HilGuarded" of vendor "TestVendor" with attributes NV|BS|RT to text "open"
    Then the status is EFI_SUCCESS
    When I set the variable "HilGate" of vendor "TestVendor" with attributes BS|RT to hex "01"
    And I set the variable "HilGuarded" of vendor "TestVendor" with attributes NV|BS|RT to text "closed"
    Then the status is EFI_WRITE_PROTECTED
    And the variable "HilGuarded" of vendor "TestVendor" holds text "open"

  # ref 5.5: '#' matches exactly one hex digit
  @requires:before-end-of-dxe
  Scenario Outline: A wildcard policy locks every name its '#' digits match
    When I register a variable policy for "HilSlot##" of vendor "TestVendor" locking it now
    And the firmware signals EndOfDxe
    And I set the variable "<name>" of vendor "TestVendor" with attributes NV|BS|RT to text "x"
    Then the status is <status>

    Examples:
      | name       | status              |
      | HilSlot0A  | EFI_WRITE_PROTECTED |
      | HilSlotff  | EFI_WRITE_PROTECTED |
      | HilSlotXY  | EFI_SUCCESS         |
      | HilSlot001 | EFI_SUCCESS         |

  # ref 5.5: an exact name beats a wildcard, which beats the namespace
  @requires:before-end-of-dxe
  Scenario: The most specific policy wins
    When I register a variable policy for all names of vendor "TestVendor" locking it now
    And I register a variable policy for "HilFree" of vendor "TestVendor" allowing sizes 1 to 16
    And the firmware signals EndOfDxe
    And I set the variable "HilFree" of vendor "TestVendor" with attributes NV|BS|RT to text "named policy"
    Then the status is EFI_SUCCESS
    When I set the variable "HilAnyOther" of vendor "TestVendor" with attributes NV|BS|RT to text "namespace"
    Then the status is EFI_WRITE_PROTECTED

  # ref 5.5: sizes are checked for writes, not for deletes
  @requires:before-end-of-dxe
  Scenario Outline: A size limit refuses data outside it
    When I register a variable policy for "HilSized" of vendor "TestVendor" allowing sizes 2 to 4
    And the firmware signals EndOfDxe
    And I set the variable "HilSized" of vendor "TestVendor" with attributes NV|BS|RT to <data>
    Then the status is <status>

    Examples:
      | data             | status                |
      | 1 bytes of 0x11  | EFI_INVALID_PARAMETER |
      | 2 bytes of 0x11  | EFI_SUCCESS           |
      | 4 bytes of 0x11  | EFI_SUCCESS           |
      | 5 bytes of 0x11  | EFI_INVALID_PARAMETER |

  @requires:before-end-of-dxe
  Scenario: Required attributes must all be present
    When I register a variable policy for "HilAttrs" of vendor "TestVendor" requiring attributes NV|RT
    And the firmware signals EndOfDxe
    And I set the variable "HilAttrs" of vendor "TestVendor" with attributes NV|BS to text "x"
    Then the status is EFI_INVALID_PARAMETER
    When I set the variable "HilAttrs" of vendor "TestVendor" with attributes NV|BS|RT to text "x"
    Then the status is EFI_SUCCESS

  @requires:before-end-of-dxe
  Scenario: Forbidden attributes must all be absent
    When I register a variable policy for "HilAttrs" of vendor "TestVendor" forbidding attributes RT
    And the firmware signals EndOfDxe
    And I set the variable "HilAttrs" of vendor "TestVendor" with attributes NV|BS|RT to text "x"
    Then the status is EFI_INVALID_PARAMETER
    When I set the variable "HilAttrs" of vendor "TestVendor" with attributes NV|BS to text "x"
    Then the status is EFI_SUCCESS

  @requires:before-end-of-dxe
  Scenario: Registering the same name twice is EFI_ALREADY_STARTED
    When I register a variable policy for "HilTwice" of vendor "TestVendor" locking it now
    And I register a variable policy for "HilTwice" of vendor "TestVendor" allowing sizes 0 to 8
    Then the status is EFI_ALREADY_STARTED

  # ref 5.5: MaxSize (bytes 28..31) must not be 0
  @requires:before-end-of-dxe
  Scenario: A malformed policy entry is EFI_INVALID_PARAMETER
    When I register the variable policy entry hex "00000100 3200 2c00 78563412341278569abcdef012345678 00000000 00000000 00000000 00000000 01000000 410062000000"
    Then the status is EFI_INVALID_PARAMETER

  # ref 5.3: EndOfDxe locks the policy interface
  Scenario: Registering a policy after EndOfDxe is EFI_WRITE_PROTECTED
    When the firmware signals EndOfDxe
    And I register a variable policy for "HilLate" of vendor "TestVendor" locking it now
    Then the status is EFI_WRITE_PROTECTED

  @requires:before-end-of-dxe
  Scenario: The policy interface can be locked once before EndOfDxe and then takes no policies
    When I lock the variable policy interface
    Then the status is EFI_SUCCESS
    When I lock the variable policy interface
    Then the status is EFI_WRITE_PROTECTED
    When I register a variable policy for "HilLate" of vendor "TestVendor" locking it now
    Then the status is EFI_WRITE_PROTECTED

  # ref 5.3: the interface locked at EndOfDxe cannot be locked again
  Scenario: Locking the policy interface after EndOfDxe is EFI_WRITE_PROTECTED
    When the firmware signals EndOfDxe
    And I lock the variable policy interface
    Then the status is EFI_WRITE_PROTECTED

  # ref 5.5: PcdAllowVariablePolicyEnforcementDisable is FALSE in OVMF
  Scenario: Policy enforcement cannot be disabled
    When I disable variable policy enforcement
    Then the status is EFI_WRITE_PROTECTED

  # ref 5.5: policies never bind trusted writes from inside SMM, only untrusted ones; these are untrusted
  @requires:before-end-of-dxe
  Scenario: A policy binds writes sent as raw SetVariable buffers too
    When I register a variable policy for "HilPolicy" of vendor "TestVendor" locking it now
    And the firmware signals EndOfDxe
    And I send a SetVariable communicate buffer for "HilPolicy" of vendor "TestVendor" with attributes NV|BS|RT and text "raw"
    Then the SMM return status is EFI_WRITE_PROTECTED

  # VarCheckPolicy MMI: VAR_CHECK_POLICY_COMM_HEADER is 20 packed bytes; revision 1 only
  Scenario: A policy message of another revision is answered with EFI_INVALID_PARAMETER
    When I send a variable policy communicate buffer with command 2 and revision 2
    Then the communicate status is EFI_SUCCESS
    And the variable policy result is EFI_INVALID_PARAMETER

  Scenario: IS_ENABLED over the policy MMI succeeds
    When I send a variable policy communicate buffer with command 2
    Then the variable policy result is EFI_SUCCESS

  # GET_INFO (6) arrived in edk2-stable202311; OVMF 2022.11 does not know it
  Scenario: GET_INFO is EFI_UNSUPPORTED on the 2022.11 firmware
    When I send a variable policy communicate buffer with command 6
    Then the variable policy result is EFI_UNSUPPORTED
