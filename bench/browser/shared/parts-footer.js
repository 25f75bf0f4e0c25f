self.__parts.scriptEnd = performance.now()
