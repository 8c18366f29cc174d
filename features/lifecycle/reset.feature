@requires:reset
Feature: Variables across a platform reset
  Non-volatile variables live in flash and survive a reset with their data and
  attributes; volatile variables live in memory and are gone afterwards. Deletes,
  updates and appends made before the reset are what the next boot sees.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  Scenario Outline: A non-volatile <attrs> variable survives a reset
    Given the firmware is in the boot phase
    When I set the variable "HilPersistent" of vendor "TestVendor" with attributes <attrs> to text "persistent"
    Then the status is EFI_SUCCESS
    When the target is reset
    And I get the variable "HilPersistent" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is text "persistent"
    And the attributes are <attrs>

    Examples:
      | attrs      |
      | NV\|BS\|RT |
      | NV\|BS     |

  Scenario Outline: A volatile <attrs> variable is gone after a reset
    Given the firmware is in the boot phase
    When I set the variable "HilVolatile" of vendor "TestVendor" with attributes <attrs> to text "volatile"
    Then the status is EFI_SUCCESS
    When the target is reset
    Then the variable "HilVolatile" of vendor "TestVendor" does not exist

    Examples:
      | attrs  |
      | BS\|RT |
      | BS     |

  Scenario: A deleted non-volatile variable stays deleted after a reset
    Given the firmware is in the boot phase
    When I set the variable "HilDeleted" of vendor "TestVendor" with attributes NV|BS|RT to text "doomed"
    And I delete the variable "HilDeleted" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    When the target is reset
    Then the variable "HilDeleted" of vendor "TestVendor" does not exist

  Scenario: The last value written before a reset is the one read after it
    Given the firmware is in the boot phase
    When I set the variable "HilUpdated" of vendor "TestVendor" with attributes NV|BS|RT to text "first"
    And I set the variable "HilUpdated" of vendor "TestVendor" with attributes NV|BS|RT to text "second"
    And I append text ", appended" to the variable "HilUpdated" of vendor "TestVendor" with attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    When the target is reset
    Then the variable "HilUpdated" of vendor "TestVendor" holds text "second, appended"

  Scenario: A variable of the largest size survives a reset
    Given the firmware is in the boot phase
    When I set the variable "HilMaxSize" of vendor "TestVendor" with attributes NV|BS|RT to 33710 bytes of 0xC3
    Then the status is EFI_SUCCESS
    When the target is reset
    Then the variable "HilMaxSize" of vendor "TestVendor" holds 33710 bytes of 0xC3

  Scenario: After a reset the walk lists the non-volatile variables only, once each
    Given the firmware is in the boot phase
    When I set the variable "HilResetNv" of vendor "TestVendor" with attributes NV|BS|RT to text "1"
    And I set the variable "HilResetVolatile" of vendor "TestVendor" with attributes BS|RT to text "2"
    And I set the variable "HilResetNv" of vendor "TestVendor" with attributes NV|BS|RT to text "3"
    Then the status is EFI_SUCCESS
    When the target is reset
    And I list all variables
    Then the list contains the variable "HilResetNv" of vendor "TestVendor"
    And the list does not contain the variable "HilResetVolatile" of vendor "TestVendor"
    And the list has no duplicates
    And the list ended with EFI_NOT_FOUND

  Scenario: The store accepts writes after a reset and its sizes stay consistent
    Given the firmware is in the boot phase
    When I set the variable "HilBeforeReset" of vendor "TestVendor" with attributes NV|BS|RT to 4000 bytes of 0x42
    Then the status is EFI_SUCCESS
    When the target is reset
    And I set the variable "HilAfterReset" of vendor "TestVendor" with attributes NV|BS|RT to text "after"
    Then the status is EFI_SUCCESS
    And the variable "HilAfterReset" of vendor "TestVendor" holds text "after"
    And the variable "HilBeforeReset" of vendor "TestVendor" holds 4000 bytes of 0x42
    When I query variable storage for attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the remaining storage is at most the maximum storage
