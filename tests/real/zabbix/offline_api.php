<?php
/*
 * The API's own preprocessing validation (CItemGeneral::validateItemPreprocessing), reached
 * through subclasses because it is protected; it needs no database.
 */
final class OfflineItemPreprocessing extends CItem {
	public function check(array $item): void {
		$this->validateItemPreprocessing($item);
	}
}

final class OfflineItemPrototypePreprocessing extends CItemPrototype {
	public function check(array $item): void {
		$this->validateItemPreprocessing($item);
	}
}

final class OfflinePreprocessingValidator {
	public static function check(bool $prototype, array $item): void {
		$validator = $prototype ? new OfflineItemPrototypePreprocessing() : new OfflineItemPreprocessing();
		$validator->check($item);
	}
}
