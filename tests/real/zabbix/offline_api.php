<?php
/*
 * The API's own preprocessing validation, without a database: 6.0's protected
 * CItemGeneral::validateItemPreprocessing (reached through subclasses), or from 6.4 on the
 * input rules of item.create / itemprototype.create (getPreprocessingValidationRules).
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
		if (method_exists('CItemGeneral', 'getPreprocessingValidationRules')) {
			$rules = $prototype
				? CItemPrototype::getPreprocessingValidationRules(API_ALLOW_LLD_MACRO)
				: CItem::getPreprocessingValidationRules();
			$error = '';
			if (!CApiInputValidator::validate($rules, $item['preprocessing'], '/preprocessing', $error)) {
				throw new Exception($error);
			}
			return;
		}
		$validator = $prototype ? new OfflineItemPrototypePreprocessing() : new OfflineItemPreprocessing();
		$validator->check($item);
	}
}
